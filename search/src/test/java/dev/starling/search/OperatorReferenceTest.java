package dev.starling.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.search.analysis.PostAnalyzer;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/**
 * Operator queries (words, OR groups, exclusions, #tags, from:, lang:, since:, until:,
 * min_faves:, filter:replies) on a small seeded index give exactly what a reference evaluation
 * gives: each post's analysed words checked against each alternative in plain Java, the Latest
 * order by id. The reference states the stop-word rule: an alternative made only of stop words
 * is left out of its OR group ({@code shot OR into} means {@code shot}: stop words are not
 * indexed, and an empty alternative used to make the group match every post); a group of stop
 * words only is dropped. Queries without stop words are the plain boolean query. Replay with
 * {@code -Dtests.seed=N}.
 */
class OperatorReferenceTest {

    private static final String[] WORDS = {"shot", "shots", "shooting", "coffee", "tea", "rain", "rainy", "sun", "city", "night", "game", "music"};
    private static final String[] STOP = {"into", "the", "such", "their", "a"};
    private static final String[] TAGS = {"rain", "coffee", "music"};
    private static final String[] LANGS = {"en", "es", "de"};
    private static final long START_MILLIS = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long DAY_MILLIS = 86_400_000L;

    /** A post as the reference sees it. */
    private record Doc(long id, Set<String> tokens, String author, String lang, boolean reply, long faves, long createdMillis) {
    }

    @Test
    void operatorQueriesEqualTheReference() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("OperatorReferenceTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        int n = 1500 + r.nextInt(1500);
        Analyzer indexing = PostAnalyzer.forIndexing();
        Analyzer querying = new PostAnalyzer();
        List<Doc> docs = new ArrayList<>();
        try (PostIndex index = PostIndex.open(new ByteBuffersDirectory(), null)) {
            Map<Long, ExportedPost> batch = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long id = 1000 + i;
                StringBuilder text = new StringBuilder();
                List<String> tags = new ArrayList<>();
                for (int w = 1 + r.nextInt(5); w > 0; w--) {
                    text.append(r.nextInt(3) == 0 ? STOP[r.nextInt(STOP.length)] : WORDS[r.nextInt(WORDS.length)]).append(' ');
                }
                if (r.nextInt(6) == 0) {
                    String tag = TAGS[r.nextInt(TAGS.length)];
                    tags.add(tag);
                    text.append('#').append(tag);
                }
                long author = 1 + r.nextInt(8);
                boolean reply = r.nextInt(4) == 0;
                String lang = LANGS[r.nextInt(LANGS.length)];
                long created = START_MILLIS + (long) (r.nextDouble() * 10 * DAY_MILLIS);
                long faves = r.nextInt(5) == 0 ? r.nextInt(20) : 0;
                Post p = new Post(id, author, text.toString().strip(), PostVisibility.PUBLIC, reply ? id - 1 : null, reply ? author : null, null, null, null,
                        lang, false, "", new Entities(tags, List.of(), List.of(), List.of()), Instant.ofEpochMilli(created), null);
                batch.put(id, new ExportedPost(p, "u" + author, reply ? "u" + author : null, faves, 0, 0));
                docs.add(new Doc(id, tokens(indexing, p.text()), "u" + author, lang, reply, faves, created));
            }
            index.apply(batch.keySet(), batch);
            index.refresh();
            PostSearch search = new PostSearch(index, id -> {
                throw new AssertionError("anonymous searches only");
            }, Clock.fixed(Instant.ofEpochMilli(START_MILLIS + 11 * DAY_MILLIS), ZoneOffset.UTC));
            List<String> queries = new ArrayList<>(List.of("shot OR into", "into OR shot rain", "the OR into coffee", "shot OR -into", "-the",
                    "shot OR into -tea lang:en min_faves:1 -filter:replies"));
            for (int q = 0; q < 300; q++) {
                queries.add(randomQuery(r));
            }
            int compared = 0;
            int withStopAlternative = 0;
            for (String q : queries) {
                Predicate<Doc> reference = reference(q, querying);
                List<Long> want = docs.stream().filter(reference).map(Doc::id).sorted(Comparator.reverseOrder()).toList();
                for (int[] page : new int[][] {{0, 20}, {20, 20}, {0, 100}}) {
                    SearchResult.Hits got = assertInstanceOf(SearchResult.Hits.class, search.search(null, q, SearchMode.LATEST, page[0], page[1]),
                            "seed " + seed + ", query '" + q + "'");
                    String what = "seed " + seed + ", query '" + q + "', offset " + page[0] + ", limit " + page[1];
                    assertEquals(want.size(), got.total(), what + ": total");
                    assertEquals(want.subList(Math.min(page[0], want.size()), Math.min(page[0] + page[1], want.size())), got.postIds(), what);
                }
                compared++;
                if (q.matches(".*\\b(" + String.join("|", STOP) + ") OR .*|.* OR -?(" + String.join("|", STOP) + ")\\b.*")) {
                    withStopAlternative++;
                }
            }
            assertTrue(compared > 250, "seed " + seed + ": only " + compared + " queries compared");
            assertTrue(withStopAlternative > 10, "seed " + seed + ": only " + withStopAlternative + " queries had a stop word in an OR group");
        }
    }

    /** One to three groups of one to three alternatives: words (some stop words), tags and operators, some excluded. */
    private static String randomQuery(Random r) {
        List<String> groups = new ArrayList<>();
        for (int g = 1 + r.nextInt(3); g > 0; g--) {
            List<String> alternatives = new ArrayList<>();
            for (int a = r.nextInt(3) == 0 ? 1 : 2 + r.nextInt(2); a > 0; a--) {
                String t = switch (r.nextInt(12)) {
                    case 0, 1, 2 -> STOP[r.nextInt(STOP.length)];
                    case 3 -> "#" + TAGS[r.nextInt(TAGS.length)];
                    case 4 -> "from:u" + (1 + r.nextInt(8));
                    case 5 -> "lang:" + LANGS[r.nextInt(LANGS.length)];
                    case 6 -> "min_faves:" + r.nextInt(10);
                    case 7 -> "since:" + LocalDate.ofEpochDay(START_MILLIS / DAY_MILLIS + r.nextInt(11));
                    case 8 -> "until:" + LocalDate.ofEpochDay(START_MILLIS / DAY_MILLIS + r.nextInt(11));
                    case 9 -> "filter:replies";
                    default -> WORDS[r.nextInt(WORDS.length)];
                };
                alternatives.add(r.nextInt(5) == 0 ? "-" + t : t);
            }
            groups.add(String.join(" OR ", alternatives));
        }
        return String.join(" ", groups);
    }

    /** The query's meaning over {@link Doc}s, written out independently of the query compiler. */
    private static Predicate<Doc> reference(String q, Analyzer querying) {
        List<List<Predicate<Doc>>> groups = new ArrayList<>();
        List<Predicate<Doc>> current = null;
        boolean or = false;
        for (String raw : q.split(" ")) {
            if (raw.equals("OR")) {
                or = true;
                continue;
            }
            boolean negated = raw.startsWith("-");
            String t = negated ? raw.substring(1) : raw;
            Predicate<Doc> p = alternative(t, querying);
            if (!or) {
                current = new ArrayList<>();
                groups.add(current);
            }
            or = false;
            if (p != null) { // an alternative of stop words only is left out
                current.add(negated ? p.negate() : p);
            }
        }
        Predicate<Doc> all = d -> true;
        for (List<Predicate<Doc>> g : groups) {
            if (g.isEmpty()) {
                continue; // a group of stop words only is dropped
            }
            Predicate<Doc> any = d -> g.stream().anyMatch(p -> p.test(d));
            all = all.and(any);
        }
        return all;
    }

    /** One alternative's test, or null when it is made of stop words only. */
    private static Predicate<Doc> alternative(String t, Analyzer querying) {
        int colon = t.indexOf(':');
        String op = colon < 0 ? "" : t.substring(0, colon);
        String v = colon < 0 ? t : t.substring(colon + 1);
        return switch (op) {
            case "from" -> d -> d.author().equals(v);
            case "lang" -> d -> d.lang().equals(v);
            case "min_faves" -> d -> d.faves() >= Long.parseLong(v);
            case "since" -> d -> d.createdMillis() >= LocalDate.parse(v).toEpochDay() * DAY_MILLIS;
            case "until" -> d -> d.createdMillis() < LocalDate.parse(v).toEpochDay() * DAY_MILLIS;
            case "filter" -> Doc::reply;
            default -> {
                Set<String> wanted = tokens(querying, t);
                yield wanted.isEmpty() ? null : d -> d.tokens().containsAll(wanted);
            }
        };
    }

    private static Set<String> tokens(Analyzer a, String text) {
        Set<String> out = new HashSet<>();
        try (TokenStream ts = a.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString().toLowerCase(Locale.ROOT));
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
