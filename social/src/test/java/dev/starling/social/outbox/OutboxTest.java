package dev.starling.social.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutboxTest {

    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("outbox", 12);
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void writesProduceEventsInOrderAndCheckpointsResume() {
        long start = social.outbox().head();
        Account a = social.accounts().createWithoutPassword("oa", "oa@example.org", "", false).orThrow();
        Account b = social.accounts().createWithoutPassword("ob", "ob@example.org", "", false).orThrow();
        Post p = social.posts().create(a.id(), NewPost.of("event")).orThrow();
        social.posts().changeVisibility(a.id(), p.id(), PostVisibility.UNLISTED).orThrow();
        social.relationships().follow(b.id(), a.id()).orThrow();
        social.posts().favourite(b.id(), p.id()).orThrow();
        social.posts().reblog(b.id(), p.id()).orThrow();
        social.accounts().updateProfile(a.id(), ProfileUpdate.none().withAiTrainingConsent(true)).orThrow();
        social.posts().delete(a.id(), p.id()).orThrow();
        List<OutboxEvent> events = social.outbox().poll("test-consumer", start, 100);
        assertEquals(List.of(EventType.ACCOUNT_CREATED, EventType.ACCOUNT_CREATED, EventType.POST_CREATED, EventType.POST_VISIBILITY_CHANGED,
                EventType.FOLLOWED, EventType.FAVOURITED, EventType.POST_CREATED, EventType.ACCOUNT_UPDATED, EventType.POST_DELETED,
                EventType.POST_DELETED), events.stream().map(OutboxEvent::type).toList());
        assertEquals(p.id(), events.get(2).aggregateId());
        assertTrue(events.get(3).payloadJson().contains("\"unlisted\""), events.get(3).payloadJson());
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).position() + 1, events.get(i).position(), "positions are dense");
        }
        social.outbox().checkpoint("test-consumer", events.get(4).position());
        assertEquals(events.get(4).position(), social.outbox().position("test-consumer"));
        assertEquals(5, social.outbox().lag("test-consumer"));
        social.outbox().checkpoint("test-consumer", events.get(1).position());
        assertEquals(events.get(4).position(), social.outbox().position("test-consumer"), "checkpoints never go back");
        assertEquals(events.subList(5, events.size()), social.outbox().poll("test-consumer", social.outbox().position("test-consumer"), 100));
        assertTrue(social.outbox().lags().containsKey("test-consumer"));
        assertThrows(IllegalArgumentException.class, () -> social.outbox().poll("bad name!", 0, 10));
        assertThrows(IllegalArgumentException.class, () -> social.outbox().poll("x", 0, 0));
    }

    @Test
    void rejectedWritesLeaveNoEvent() {
        long head = social.outbox().head();
        Account a = social.accounts().createWithoutPassword("orj", "orj@example.org", "", false).orThrow();
        long afterSignUp = social.outbox().head();
        assertFalse(social.posts().create(a.id(), NewPost.of("x".repeat(300))).isOk());
        assertFalse(social.posts().create(a.id(), NewPost.of("reply").replyTo(1)).isOk());
        assertFalse(social.accounts().createWithoutPassword("orj", "other@example.org", "", false).isOk());
        assertEquals(head + 1, afterSignUp);
        assertEquals(afterSignUp, social.outbox().head());
    }

    @Test
    void anUncommittedEarlierWriteIsNeverSkipped() throws Exception {
        Account a = social.accounts().createWithoutPassword("oslow", "oslow@example.org", "", false).orThrow();
        long start = social.outbox().head();
        // A slow transaction appends an event first and commits last.
        try (Connection slow = db.dataSource().getConnection()) {
            slow.setAutoCommit(false);
            OutboxWriter.append(slow, EventType.ACCOUNT_UPDATED, a.id(), a.id(), Map.of("slow", true));
            social.posts().create(a.id(), NewPost.of("fast")).orThrow();
            List<OutboxEvent> during = social.outbox().poll("c", start, 100);
            assertTrue(during.isEmpty(), "nothing is delivered past an open earlier transaction: " + during);
            slow.commit();
        }
        List<OutboxEvent> after = social.outbox().poll("c", start, 100);
        assertEquals(List.of(EventType.ACCOUNT_UPDATED, EventType.POST_CREATED), after.stream().map(OutboxEvent::type).toList());
    }

    @Test
    void concurrentWritersAndAConsumerLoseNothing() throws Exception {
        Account a = social.accounts().createWithoutPassword("oconc", "oconc@example.org", "", false).orThrow();
        long start = social.outbox().head();
        int writers = 4;
        int perWriter = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicBoolean done = new AtomicBoolean();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    social.posts().create(a.id(), NewPost.of("concurrent " + i)).orThrow();
                }
            }));
        }
        Set<Long> seen = new HashSet<>();
        long pos = start;
        long lastPos = start;
        while (true) {
            boolean finished = fs.stream().allMatch(Future::isDone);
            List<OutboxEvent> batch = social.outbox().poll("conc", pos, 37);
            for (OutboxEvent e : batch) {
                assertTrue(e.position() > lastPos, "positions increase");
                lastPos = e.position();
                assertTrue(seen.add(e.aggregateId()), "no duplicates");
            }
            if (!batch.isEmpty()) {
                pos = batch.getLast().position();
            } else if (finished) {
                break;
            }
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        done.set(true);
        assertEquals(writers * perWriter, seen.size());
    }
}
