package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TimelinesTest {

    static Database db;
    static Social social;
    static Account author;
    static Account reader;
    static List<Long> visible = new ArrayList<>();

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("timelines");
        social = TestDatabase.social(db);
        author = social.accounts().createWithoutPassword("tl_author", "tla@example.org", "", false).orThrow();
        reader = social.accounts().createWithoutPassword("tl_reader", "tlr@example.org", "", false).orThrow();
        Account other = social.accounts().createWithoutPassword("tl_other", "tlo@example.org", "", false).orThrow();
        social.relationships().follow(reader.id(), author.id()).orThrow();
        // 25 visible posts separated by long runs of posts the reader may not see (direct to someone else).
        for (int i = 0; i < 25; i++) {
            visible.addFirst(social.posts().create(author.id(), NewPost.of("visible " + i + " #tl")).orThrow().id());
            for (int k = 0; k < 12; k++) {
                social.posts().create(author.id(), NewPost.of("hidden @tl_other " + i + "." + k, PostVisibility.DIRECT)).orThrow();
            }
        }
        assertTrue(other.id() > 0);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void pagesSkipLongHiddenRunsWithoutLosingAnything() {
        for (int limit : new int[] {1, 3, 7, 20, 40}) {
            assertEquals(visible, pageAll(p -> social.timelines().home(reader.id(), p), limit), "home, limit " + limit);
            assertEquals(visible, pageAll(p -> social.timelines().account(reader.id(), author.id(), AccountFilter.NONE, p), limit));
            assertEquals(visible, pageAll(p -> social.timelines().publicTimeline(null, p), limit));
            assertEquals(visible, pageAll(p -> social.timelines().hashtag(null, "TL", p), limit));
        }
    }

    @Test
    void aScanThatGivesUpStillHandsOutACursorPastTheHiddenRun() {
        int before = FilteredScan.maxRounds;
        FilteredScan.maxRounds = 1; // one batch of 11 candidates per page; hidden runs are 12 long
        try {
            List<Long> got = new ArrayList<>();
            Page p = Page.first(1);
            int emptyPages = 0;
            for (int guard = 0; guard < 10_000; guard++) {
                Slice<Post> s = social.timelines().home(reader.id(), p);
                got.addAll(ids(s));
                if (s.nextMaxId() == null) {
                    break;
                }
                if (s.isEmpty()) {
                    emptyPages++;
                }
                p = new Page(s.nextMaxId(), null, null, 1);
            }
            assertEquals(visible, got);
            assertTrue(emptyPages > 0, "the test must exercise the give-up path");
        } finally {
            FilteredScan.maxRounds = before;
        }
    }

    @Test
    void sinceIdAndMinIdFollowMastodon() {
        long anchor = visible.get(10);
        // since_id: the newest posts above the anchor, newest first.
        Slice<Post> since = social.timelines().home(reader.id(), new Page(null, anchor, null, 3));
        assertEquals(visible.subList(0, 3), ids(since));
        // min_id: the posts immediately above the anchor, still newest first.
        Slice<Post> min = social.timelines().home(reader.id(), new Page(null, null, anchor, 3));
        assertEquals(visible.subList(7, 10), ids(min));
        assertEquals(visible.get(7), min.prevMinId());
        assertEquals(visible.get(9), min.nextMaxId());
        // max_id and since_id together bound a window.
        Slice<Post> window = social.timelines().home(reader.id(), new Page(visible.get(2), visible.get(6), null, 40));
        assertEquals(visible.subList(3, 6), ids(window));
        Slice<Post> none = social.timelines().home(reader.id(), new Page(null, visible.getFirst(), null, 5));
        assertTrue(none.isEmpty());
        assertNull(none.nextMaxId());
    }

    @Test
    void pageLimitsAreClamped() {
        assertEquals(40, Page.of(null, null, null, 1000).limit());
        assertEquals(1, Page.of(null, null, null, -5).limit());
        assertEquals(20, Page.of(null, null, null, null).limit());
    }

    interface Fetch {
        Slice<Post> page(Page p);
    }

    static List<Long> pageAll(Fetch f, int limit) {
        List<Long> out = new ArrayList<>();
        Page p = Page.first(limit);
        for (int guard = 0; guard < 1000; guard++) {
            Slice<Post> s = f.page(p);
            if (s.isEmpty()) {
                return out;
            }
            out.addAll(ids(s));
            p = new Page(s.nextMaxId(), null, null, limit);
        }
        throw new AssertionError("paging did not end");
    }

    static List<Long> ids(Slice<Post> s) {
        return s.items().stream().map(Post::id).toList();
    }
}
