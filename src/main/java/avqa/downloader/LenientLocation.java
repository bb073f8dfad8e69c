package avqa.downloader;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A redirect's Location as browsers and curl take it when it is not a valid URI: raw UTF-8 (which the HTTP client
 * reads as ISO-8859-1) read as UTF-8, and each character a URI cannot hold outside its host (a space, a letter of
 * another script, {@code | [ ] { } ^ " < > `}, a {@code %} that starts no escape) percent-encoded as its UTF-8 bytes;
 * a backslash taken for a slash. The scheme and host stay as they are: a host that is no host stays refused.
 */
final class LenientLocation {

    private LenientLocation() {
    }

    static String escaped(String location) {
        String text = asUtf8(location);
        int authorityEnd = 0;
        int scheme = text.indexOf("://");
        if (scheme > 0 && text.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            int end = scheme + 3;
            while (end < text.length() && "/?#\\".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            authorityEnd = end;
        }
        StringBuilder out = new StringBuilder(text.substring(0, authorityEnd));
        for (int i = authorityEnd; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\') {
                out.append('/');
            } else if (c == '%' && i + 2 <= text.length() && isHex(text.charAt(i)) && isHex(text.charAt(i + 1))) {
                out.append('%');
            } else if (c < 0x80 && c > 0x20 && c != 0x7f && "%|[]{}^\"<>`".indexOf(c) < 0) {
                out.append((char) c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /**
     * A header's characters as the bytes they were (the client reads a header as ISO-8859-1), read as UTF-8 when they
     * are that, as browsers read them; else as they are.
     */
    static String asUtf8(String value) {
        boolean high = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff) {
                return value;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException notUtf8) {
            return value;
        }
    }
}
