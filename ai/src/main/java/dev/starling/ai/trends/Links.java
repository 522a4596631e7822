package dev.starling.ai.trends;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Normalizes a URL into the key under which shares of "the same link" are counted: scheme https (http and https
 * count as one), host lower-cased without a leading {@code www.}, no default port, no user info, no fragment,
 * tracking parameters ({@code utm_*}, {@code fbclid}, {@code gclid}, ...) removed, the remaining query kept in its
 * order, a trailing slash removed from a non-root path. A URL without a scheme (twitter-text finds
 * {@code example.com/x}) is read as https. Anything that is not an http(s) URL with a host, or longer than
 * {@link #MAX_URL_CHARS}, is rejected (empty).
 */
public final class Links {

    public static final int MAX_URL_CHARS = 2048;
    private static final Set<String> TRACKING = Set.of("fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src",
            "_hsenc", "_hsmi", "yclid", "si");

    private Links() {
    }

    public static Optional<String> normalize(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > MAX_URL_CHARS) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (!s.regionMatches(true, 0, "http://", 0, 7) && !s.regionMatches(true, 0, "https://", 0, 8)) {
            if (s.contains("://")) {
                return Optional.empty();
            }
            s = "https://" + s;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("www.")) {
            host = host.substring(4);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        StringBuilder out = new StringBuilder("https://").append(host);
        int port = u.getPort();
        if (port != -1 && port != 80 && port != 443) {
            out.append(':').append(port);
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.equals("/")) {
            out.append(path);
        }
        String query = u.getRawQuery();
        if (query != null && !query.isEmpty()) {
            List<String> kept = new ArrayList<>();
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String name = pair.split("=", 2)[0].toLowerCase(Locale.ROOT);
                if (name.startsWith("utm_") || TRACKING.contains(name)) {
                    continue;
                }
                kept.add(pair);
            }
            if (!kept.isEmpty()) {
                out.append('?').append(String.join("&", kept));
            }
        }
        String key = out.toString();
        return key.length() > MAX_URL_CHARS ? Optional.empty() : Optional.of(key);
    }
}
