package avqa.downloader;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What the words of a failure mean: yt-dlp's messages (its YouTube and generic extractors, Python's
 * resolver) and the pages a source serves instead of a video, each rule with the category, the
 * reason a human can act on and whether it concerns the whole IP. {@link FailureClassifier} applies
 * them; the first rule that matches wins.
 */
final class FailureRules {

    record Rule(Pattern pattern, String category, String reason, VideoFailure.Signal signal) {
        static Rule of(String regex, String category, String reason) {
            return of(regex, category, reason, VideoFailure.Signal.NONE);
        }

        static Rule of(String regex, String category, String reason, VideoFailure.Signal signal) {
            return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), category, reason, signal);
        }
    }

    static final String RATE_LIMITED = "rate-limited by the source (HTTP 429); if it persists, lower --max-requests "
            + "or raise --sleep";

    static final String UNRESOLVED = "cannot resolve the source's host name: no network or DNS";

    /** The resolver's words (glibc, Python's socket, urllib3), for a host name that cannot be looked up. */
    static final String DNS_WORDS = "Failed to resolve '|Name or service not known|Temporary failure in name resolution"
            + "|getaddrinfo failed|nodename nor servname|No address associated with hostname";

    static final String OUTDATED = "yt-dlp is out of date for this source (it said so); update it: "
            + ToolVersions.HOW_TO_UPDATE + "; a later run tries this video again";

    static final String JS_CHALLENGES = "yt-dlp could not solve YouTube's JavaScript challenges: give it a "
            + "JavaScript runtime (deno 2+, or node with avqa.tools.js-runtime) and the EJS scripts (see --doctor); "
            + "a later run tries this video again";

    /** What a web page served instead of a video can tell (read only when no video was found in it). */
    static final List<Rule> PAGE_RULES = List.of(
            Rule.of("confirm you.?re not a bot|not a robot|unusual traffic|captcha", VideoFailure.TRANSIENT,
                    "the source answered with a page asking to confirm this is not a bot (IP-wide limit)",
                    VideoFailure.Signal.BOT_CHECK),
            Rule.of("Too Many Requests|try again later|rate limit", VideoFailure.TRANSIENT,
                    "the source answered with a page saying to try again later (IP-wide limit)",
                    VideoFailure.Signal.RATE_LIMIT));

    /**
     * yt-dlp's words, in order: the IP-wide signals come before the permanent texts they can contain,
     * the permanent ones before yt-dlp's "please update" signals (a private video is private whatever
     * the version), and those before the network failures they cause.
     */
    static final List<Rule> YT_DLP_RULES = List.of(
            Rule.of("confirm your age|age[- ]restricted|inappropriate for some users", VideoFailure.PERMANENT,
                    "age-restricted: only a signed-in client can fetch it (--cookies)"),
            Rule.of("HTTP Error 429|Too Many Requests", VideoFailure.TRANSIENT, RATE_LIMITED,
                    VideoFailure.Signal.RATE_LIMIT),
            Rule.of("confirm you.?re not a bot|not a robot|captcha", VideoFailure.TRANSIENT,
                    "the source asks to confirm this is not a bot (IP-wide limit); wait, or pass --cookies",
                    VideoFailure.Signal.BOT_CHECK),
            Rule.of("try again later", VideoFailure.TRANSIENT,
                    "the source says try again later (IP-wide limit)", VideoFailure.Signal.RATE_LIMIT),
            Rule.of(DNS_WORDS, VideoFailure.TRANSIENT, UNRESOLVED, VideoFailure.Signal.NETWORK),
            Rule.of("Private video", VideoFailure.PERMANENT, "private video"),
            Rule.of("copyright", VideoFailure.PERMANENT, "removed for copyright"),
            Rule.of("account (associated with this video )?has been terminated|account .*terminated",
                    VideoFailure.PERMANENT, "the uploader's account was terminated"),
            Rule.of("not (made )?available in your country|blocked it in your country|geo.?restrict",
                    VideoFailure.PERMANENT, "not available in this country (geo-blocked); a --proxy elsewhere may help"),
            Rule.of("has been removed|removed by the uploader|video (has been )?removed", VideoFailure.PERMANENT,
                    "removed from the source"),
            Rule.of("Video unavailable|This video is unavailable|video is not available", VideoFailure.PERMANENT,
                    "video unavailable at the source"),
            Rule.of("members.only|Join this channel", VideoFailure.PERMANENT, "members-only video"),
            Rule.of("Incomplete YouTube ID|looks truncated|is not a valid URL", VideoFailure.PERMANENT,
                    "not a valid video id for this source"),
            Rule.of("HTTP Error 404|HTTP Error 410", VideoFailure.PERMANENT, "not found at the source (HTTP 404/410)"),
            // a redirect loop (yt-dlp's words, and urllib's in older ones, which add "Confirm you are on the latest version")
            Rule.of("redirect loop detected|would lead to an infinite loop", VideoFailure.PERMANENT,
                    "the source redirects in a loop (too many redirects)"),
            // a playlist (HLS, DASH) whose parts are local files: yt-dlp reads none (nor does this tool let it)
            Rule.of("file:// URLs are (explicitly )?disabled", VideoFailure.PERMANENT,
                    "the source points at local files (file://), which are never read"),
            // yt-dlp's "please update" signals: its extractor no longer understands the source
            Rule.of("nsig extraction failed|Signature extraction failed|ERROR:.*Unable to extract",
                    VideoFailure.TOOL_OUTDATED, OUTDATED),
            Rule.of("(?s)(No supported JavaScript runtime|n challenge solving failed|Signature solving failed)"
                            + ".*(Requested format is not available|unable to download video data: HTTP Error 403)",
                    VideoFailure.TOOL_OUTDATED, JS_CHALLENGES),
            Rule.of("Requested format is not available", VideoFailure.TOOL_OUTDATED, OUTDATED
                    + " (or avqa.download.format asks for a format the source does not offer)"),
            // a refused media request (as opposed to a refused page) is usually an expired or throttled link
            Rule.of("unable to download video data: HTTP Error 403", VideoFailure.TRANSIENT,
                    "the source refused the media request (HTTP 403); usually temporary"),
            Rule.of("HTTP Error 40[13]", VideoFailure.PERMANENT, "access denied by the source (HTTP 401/403)"),
            Rule.of("Unsupported URL", VideoFailure.PERMANENT,
                    "the source answered with a web page, not a video (check --source-url-template)"),
            Rule.of("larger than max-filesize", VideoFailure.PERMANENT,
                    "the file is larger than avqa.download.max-size: not a video of this dataset"),
            Rule.of("Postprocessing|Conversion failed|ffmpeg not found", VideoFailure.INVALID_OUTPUT,
                    "yt-dlp downloaded the video but could not convert it to --video-format"),
            Rule.of("HTTP Error 5\\d\\d", VideoFailure.TRANSIENT, "server error at the source (HTTP 5xx)"),
            // a proxy (--proxy, or the environment's) that wants a login: every request through it meets it
            Rule.of("HTTP Error 407", VideoFailure.TRANSIENT, "the proxy asks for a user name and password, or refused "
                    + "the ones given (HTTP 407): give them in --proxy (or https_proxy / http_proxy) as user:password@ "
                    + "before the proxy's host", VideoFailure.Signal.NETWORK),
            // the statuses no rule above names, as the fast path takes them: a media request's refusal (a fragment's
            // too) is an expired or throttled link, as its 403 is; 408 and 425 ask again later
            Rule.of("(?m)^ERROR: .*(unable to download video data|Got error): HTTP Error 4\\d\\d", VideoFailure.TRANSIENT,
                    "the source refused the media request (HTTP 4xx); usually temporary"),
            Rule.of("(?m)^ERROR: .*HTTP Error (408|425)", VideoFailure.TRANSIENT,
                    "the source gave up waiting for the request (HTTP 408/425)"),
            // a mirror's page refused with another 4xx, a redirect yt-dlp could not follow (no Location) and a status
            // past HTTP's classes (999) are the source's answer: read on the ERROR line alone, and not YouTube's, whose
            // player clients' 400s come as warnings before "Confirm you are on the latest version" (out of date)
            Rule.of("(?m)^ERROR: (?!\\[youtube).*HTTP Error 4\\d\\d", VideoFailure.PERMANENT,
                    "the source refused the request (HTTP 4xx)"),
            Rule.of("(?m)^ERROR: (?!\\[youtube).*HTTP Error 3\\d\\d", VideoFailure.PERMANENT,
                    "the source redirects where no client can follow (no Location, or not to http or https)"),
            Rule.of("(?m)^ERROR: (?!\\[youtube).*HTTP Error ([06-9]\\d\\d|\\d{4,})", VideoFailure.PERMANENT,
                    "the source answered with a status past HTTP's classes (no HTTP status)"),
            // yt-dlp's words when not a byte of the body came: an empty answer (a 200 with no body, where the fast path
            // says "the file is empty"), or a connection closed right after the answer's headers
            Rule.of("(?m)^ERROR: Did not get any data blocks", VideoFailure.TRANSIENT,
                    "the source sent no data (an empty answer, or its connection closed before the first byte)"),
            Rule.of("timed? ?out|Connection (reset|refused|aborted)|Temporary failure|Network is unreachable"
                            + "|Remote end closed|IncompleteRead|content too short"
                            + "|Giving up after|unable to download video data|Downloaded \\d+ bytes, expected \\d+ bytes",
                    VideoFailure.TRANSIENT, "network failure while downloading"),
            // an older yt-dlp adds "Confirm you are on the latest version" to any error it did not expect, a mirror's
            // HTTP 500 or a refused connection as well: it says the tool is out of date only when nothing above explains it
            Rule.of("ERROR:.*Confirm you are on the latest version", VideoFailure.TOOL_OUTDATED, OUTDATED),
            // nothing else explains it, and yt-dlp warned it could not solve the challenges
            Rule.of("No supported JavaScript runtime|n challenge solving failed|Signature solving failed",
                    VideoFailure.TOOL_OUTDATED, JS_CHALLENGES));

    private FailureRules() {
    }
}
