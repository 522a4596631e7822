package dev.starling.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Link header and the base URL, against the straightforward versions they replaced (URLEncoder on
 * every name and value, a StringJoiner of two separately built URLs; a regex for the Host check), on
 * seeded random queries and hosts. Replay with {@code -Dtests.seed=N}.
 */
class LinkHeaderAndBaseUrlTest {
    private static final String ALPHABET = "abcXYZ019.-*_[]~ %&=+/?#\u00e9\u4e2d\ud83d\ude00:";

    @Test
    void linkHeaderIsTheOneTheStraightforwardVersionWrote() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("LinkHeaderAndBaseUrlTest link seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 2_000; round++) {
            Map<String, List<String>> query = new LinkedHashMap<>();
            int params = random.nextInt(5);
            for (int p = 0; p < params; p++) {
                String key = switch (random.nextInt(6)) {
                    case 0 -> "max_id";
                    case 1 -> "min_id";
                    case 2 -> "since_id";
                    case 3 -> "limit";
                    default -> text(random);
                };
                List<String> values = query.computeIfAbsent(key, k -> new ArrayList<>());
                for (int v = 1 + random.nextInt(2); v > 0; v--) values.add(text(random));
            }
            Long next = random.nextBoolean() ? random.nextLong(1, Long.MAX_VALUE) : null;
            Long prev = next == null || random.nextBoolean() ? random.nextLong(1, Long.MAX_VALUE) : null;
            String base = random.nextBoolean() ? "https://social.example" : "http://localhost:8080";
            String path = "/api/v1/timelines/" + (random.nextBoolean() ? "home" : "tag/caf%C3%A9");
            assertEquals(reference(base, path, query, next, prev), LinkHeader.value(base, path, query, next, prev),
                    "seed " + seed + " round " + round + " query " + query);
        }
    }

    @Test
    void aPlainHomePageLink() {
        assertEquals("<https://s.example/api/v1/timelines/home?limit=20&max_id=7>; rel=\"next\", "
                        + "<https://s.example/api/v1/timelines/home?limit=20&min_id=9>; rel=\"prev\"",
                LinkHeader.value("https://s.example", "/api/v1/timelines/home", Map.of("limit", List.of("20"), "max_id", List.of("3")), 7L, 9L));
        assertEquals("<http://h/p?tagged=a+b&x%5C=%25&min_id=1>; rel=\"prev\"",
                LinkHeader.value("http://h", "/p", linked("tagged", "a b", "x\\", "%"), null, 1L));
    }

    @Test
    void hostCheckIsThePatternItReplaced() {
        Pattern safe = Pattern.compile("[A-Za-z0-9.\\-:\\[\\]]{1,300}");
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("LinkHeaderAndBaseUrlTest host seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder host = new StringBuilder();
            int length = random.nextInt(8) == 0 ? 295 + random.nextInt(10) : random.nextInt(20);
            for (int i = 0; i < length; i++) {
                host.append(random.nextInt(10) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length())) : "ab.Z9-:[]".charAt(random.nextInt(9)));
            }
            String h = host.toString();
            assertEquals(safe.matcher(h).matches(), BaseUrl.safeHost(h), "seed " + seed + " host '" + h + "'");
            String expected = "http://" + (h.isBlank() || !safe.matcher(h).matches() ? "localhost" : h);
            assertEquals(expected, BaseUrl.of("http", h), "seed " + seed + " host '" + h + "'");
            assertEquals(expected, BaseUrl.of("http", h), "again, from the last-host cache: '" + h + "'");
        }
        assertEquals("https://localhost", BaseUrl.of("https", null));
        assertEquals("https://a.example:8443", BaseUrl.of("https", "a.example:8443"));
        assertEquals("http://a.example:8443", BaseUrl.of("http", "a.example:8443"), "the scheme is part of the cached key");
    }

    private static Map<String, List<String>> linked(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
        return m;
    }

    private static String text(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(7);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(3) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length())) : (char) ('a' + random.nextInt(26)));
        }
        // a lone surrogate now and then, as a broken client could send
        if (random.nextInt(50) == 0) sb.append('\ud800');
        return sb.toString();
    }

    /** The previous implementation, kept here as the reference. */
    private static String reference(String baseUrl, String path, Map<String, List<String>> query, Long nextMaxId, Long prevMinId) {
        StringJoiner links = new StringJoiner(", ");
        if (nextMaxId != null) links.add("<" + url(baseUrl, path, query, "max_id", nextMaxId) + ">; rel=\"next\"");
        if (prevMinId != null) links.add("<" + url(baseUrl, path, query, "min_id", prevMinId) + ">; rel=\"prev\"");
        return links.toString();
    }

    private static String url(String baseUrl, String path, Map<String, List<String>> query, String cursor, long value) {
        StringBuilder sb = new StringBuilder(baseUrl).append(path).append('?');
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (Set.of("max_id", "since_id", "min_id").contains(e.getKey())) continue;
            for (String v : e.getValue()) sb.append(enc(e.getKey())).append('=').append(enc(v)).append('&');
        }
        return sb.append(cursor).append('=').append(value).toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%5B", "[").replace("%5D", "]");
    }
}
