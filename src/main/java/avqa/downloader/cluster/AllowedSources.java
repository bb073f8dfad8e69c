package avqa.downloader.cluster;

import avqa.downloader.Manifest;
import avqa.downloader.VideoIdRules;
import avqa.downloader.settings.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The places a worker fetches from: only those its own settings would produce URLs for — the hosts of
 * the source templates, of the URLs in its manifests, and those the user names in
 * avqa.worker.allowed-hosts — never just any address a queue message names (an internal service, a
 * cloud metadata endpoint). A host is compared with its port; YouTube's hosts go together.
 */
public final class AllowedSources {

    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean youtube;

    public AllowedSources(Settings settings) {
        add(settings.get("avqa.source.url-template").replace("{id}", "x"));
        add(settings.get("avqa.source.clip-url-template").replace("{id}", "x"));
        for (Path manifest : settings.files("avqa.manifests")) {
            Manifest.read(manifest, new VideoIdRules(settings.get("avqa.source.clip-url-template")))
                    .clips().values().forEach(e -> add(e.url()));
        }
        for (String h : settings.get("avqa.worker.allowed-hosts").split(",")) {
            if (!h.isBlank()) {
                hosts.add(h.strip().toLowerCase(Locale.ROOT));
            }
        }
    }

    private void add(String url) {
        if (VideoIdRules.isYoutubeUrl(url)) {
            youtube = true;
        } else {
            String a = authority(url);
            if (a != null) {
                hosts.add(a);
            }
        }
    }

    /** host:port of an http(s) URL (the scheme's port when none is given), or null. */
    static String authority(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                return null;
            }
            int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            return u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether a message's URL is one this worker would fetch. */
    public boolean allows(String url) {
        if (VideoIdRules.isYoutubeUrl(url)) {
            return youtube;
        }
        String a = authority(url);
        return a != null && (hosts.contains(a) || hosts.contains(a.substring(0, a.lastIndexOf(':'))));
    }
}
