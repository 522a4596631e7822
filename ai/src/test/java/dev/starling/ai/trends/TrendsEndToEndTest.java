package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded random network with a week of steady background chatter, a planted burst (a tag, a link and a phrase used
 * by many distinct accounts in the last hours), one account spamming a tag and a link hundreds of times, a small group
 * hammering a tag, and a followers-only burst. The burst must rank first in each list; the spam, the small group and
 * the followers-only burst must not trend. Replay with {@code -Dtests.seed=N}.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TrendsEndToEndTest {

    private static final String[] TAGS = {"coffee", "music", "books", "running", "cats", "dogs", "gardening", "cooking", "travel",
            "photography", "football", "chess", "movies", "science", "art", "jazz", "hiking", "tea", "baking", "cycling"};
    private static final String[] WORDS;

    static {
        List<String> w = new ArrayList<>();
        String cons = "bcdfghklmnprstvz";
        String vow = "aeiou";
        Random r = new Random(7);
        while (w.size() < 300) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                sb.append(cons.charAt(r.nextInt(cons.length()))).append(vow.charAt(r.nextInt(vow.length())));
            }
            w.add(sb.toString());
        }
        WORDS = w.toArray(String[]::new);
    }

    private static Database db;
    private static Social social;
    private static Instant now;
    private static long seed;
    private static List<Long> accounts = new ArrayList<>();
    private static TrendLists lists;
    private static TrendRefresh refresh;

    @BeforeAll
    static void network() {
        seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("TrendsEndToEndTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random rnd = new Random(seed);
        db = TestDatabase.fresh("trends_e2e");
        social = TestDatabase.social(db);
        now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        for (int i = 0; i < 60; i++) {
            accounts.add(social.accounts().createWithoutPassword("user" + i, "user" + i + "@example.test", "", false).orThrow().id());
        }
        db.inTransaction(c -> {
            // a week and a day of background: each account posts 0..2 times a day about random tags with random words
            for (int day = 0; day < 8; day++) {
                for (long a : accounts) {
                    int n = rnd.nextInt(3);
                    for (int k = 0; k < n; k++) {
                        Instant at = now.minus(Duration.ofMinutes(day * 1440L + rnd.nextInt(1440)));
                        String text = filler(rnd, 6) + " #" + TAGS[rnd.nextInt(TAGS.length)];
                        PostWriter.insert(c, a, NewPost.of(text, PostVisibility.PUBLIC), at).orThrow();
                    }
                }
            }
            // the planted burst: 30 distinct accounts in the last 10 hours
            List<Long> shuffled = new ArrayList<>(accounts);
            java.util.Collections.shuffle(shuffled, rnd);
            for (int i = 0; i < 30; i++) {
                Instant at = now.minus(Duration.ofMinutes(rnd.nextInt(600)));
                String text = filler(rnd, 2) + " northern lights visible " + filler(rnd, 2) + " #Aurora https://news.example.com/aurora-storm?utm_source=t"
                        + i;
                PostWriter.insert(c, shuffled.get(i), NewPost.of(text, PostVisibility.PUBLIC), at).orThrow();
            }
            // one account spams a tag and a link 150 times today
            long spammer = shuffled.get(40);
            for (int i = 0; i < 150; i++) {
                Instant at = now.minus(Duration.ofMinutes(rnd.nextInt(1000)));
                PostWriter.insert(c, spammer, NewPost.of("Buy now " + i + " #BuyMyCoin https://spam.example.com/coin", PostVisibility.PUBLIC), at).orThrow();
            }
            // four accounts (below the minimum of five) hammer a tag
            for (int i = 0; i < 80; i++) {
                Instant at = now.minus(Duration.ofMinutes(rnd.nextInt(1000)));
                PostWriter.insert(c, shuffled.get(41 + i % 4), NewPost.of("Our club #SmallClub " + i, PostVisibility.PUBLIC), at).orThrow();
            }
            // a followers-only burst is nobody's trend
            for (int i = 0; i < 30; i++) {
                Instant at = now.minus(Duration.ofMinutes(rnd.nextInt(600)));
                PostWriter.insert(c, shuffled.get(i), NewPost.of("secret plans #SecretParty", PostVisibility.PRIVATE), at).orThrow();
            }
            return null;
        });
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        TrendCounter counter = new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults());
        counter.catchUp();
        refresh = new TrendRefresh(db, clock, TrendRefresh.Settings.defaults());
        refresh.refresh(now);
        lists = new TrendLists(db, clock);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    private static String filler(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static List<String> terms(TrendKind k) {
        return lists.items(k, 0, 100).stream().map(TrendItem::term).toList();
    }

    @Test
    void thePlantedBurstRanksFirstInEveryList() {
        String msg = " (seed " + seed + ")";
        List<String> tags = terms(TrendKind.TAG);
        assertFalse(tags.isEmpty(), "no trending tags" + msg);
        assertEquals("aurora", tags.getFirst(), tags + msg);
        assertEquals("https://news.example.com/aurora-storm", terms(TrendKind.LINK).getFirst(), "tracking parameters do not split a link" + msg);
        List<String> phrases = terms(TrendKind.PHRASE);
        assertEquals("northern lights visible", phrases.getFirst(), phrases + msg);
        assertFalse(phrases.contains("northern lights"), "carried by the longer phrase" + msg);
        TrendItem top = lists.items(TrendKind.TAG, 0, 1).getFirst();
        assertEquals(30, top.accounts(), msg);
        // expected 1 (never used before): (30 - 1)^2 / 1 = 841, at most a few hours of decay (half-life 4 h)
        assertTrue(top.score() > 841 * Math.pow(0.5, 10 / 4.0) && top.score() <= 841, top + msg);
        assertEquals(7, top.history().size());
        // the burst's 10 hours may straddle midnight UTC: today's and yesterday's distinct accounts cover the 30
        assertTrue(top.history().getFirst().accounts() + top.history().get(1).accounts() >= 30, top.history() + msg);
        assertEquals(0, top.history().get(2).accounts(), msg);
    }

    @Test
    void spamSmallGroupsAndPrivatePostsDoNotTrend() {
        String msg = " (seed " + seed + ")";
        List<String> tags = terms(TrendKind.TAG);
        assertFalse(tags.contains("buymycoin"), "one account 150 times" + msg);
        assertFalse(tags.contains("smallclub"), "four accounts" + msg);
        assertFalse(tags.contains("secretparty"), "followers-only posts" + msg);
        assertFalse(terms(TrendKind.LINK).contains("https://spam.example.com/coin"), msg);
        assertFalse(terms(TrendKind.PHRASE).contains("buy now"), msg);
    }

    @Test
    void representativePostsArePublicOnePerAuthorNewestFirst() {
        List<Long> posts = lists.postsOf(TrendKind.TAG, "aurora", 24, 10);
        assertEquals(10, posts.size());
        List<Long> sorted = new ArrayList<>(posts);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, posts);
        long authors = posts.stream().map(id -> social.posts().get(null, id).orElseThrow().authorId()).distinct().count();
        assertEquals(10, authors, "one post per author");
    }

    @Test
    void aHiddenItemNeverShowsAndComesBackWhenUnhidden() {
        TrendModeration mod = new TrendModeration(db);
        mod.hide(TrendKind.TAG, "#Aurora", accounts.getFirst());
        try {
            assertFalse(terms(TrendKind.TAG).contains("aurora"));
            assertEquals(1, mod.hidden().size());
        } finally {
            assertTrue(mod.unhide(TrendKind.TAG, "aurora"));
        }
        assertEquals("aurora", terms(TrendKind.TAG).getFirst());
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: a refresh three days on prunes the oldest counts
    void theBurstDecaysAwayOverTheNextDays() {
        // scored on a copy of the state: later refreshes with no new posts
        Instant later = now.plus(Duration.ofHours(8));
        TrendRefresh r = new TrendRefresh(db, Clock.fixed(later, ZoneOffset.UTC), TrendRefresh.Settings.defaults());
        double before = lists.items(TrendKind.TAG, 0, 1).getFirst().score();
        try {
            r.refresh(later);
            TrendLists l = new TrendLists(db, Clock.fixed(later, ZoneOffset.UTC));
            TrendItem a = l.items(TrendKind.TAG, 0, 100).stream().filter(i -> i.term().equals("aurora")).findFirst().orElseThrow();
            assertTrue(a.score() < before, "decayed: " + a.score() + " < " + before);
            Instant days = now.plus(Duration.ofDays(3));
            r.refresh(days);
            assertFalse(new TrendLists(db, Clock.fixed(days, ZoneOffset.UTC)).items(TrendKind.TAG, 0, 100).stream()
                    .anyMatch(i -> i.term().equals("aurora")), "three days later the burst is over");
        } finally {
            refresh.refresh(now); // back to the state the other tests read (peaks are recomputed from the counts)
        }
    }
}
