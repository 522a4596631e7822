package dev.starling.ai.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across kill -9: a child JVM runs the assistant against this test's database, is killed with
 * SIGKILL mid-way through a batch of mentions (generations and reply transactions in flight), and restarted; in the
 * end every mention has exactly one reply, and at no point is there a reply without its ledger row or a second reply.
 */
class AssistantKillTest {

    static final int MENTIONS = 24;

    @TempDir
    static Path dir;
    static Database db;
    static Social social;
    static Path gguf;
    static long assistantId;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("assistant_kill", 8);
        social = TestDatabase.social(db);
        gguf = TinyModel.write(dir);
        assistantId = AssistantAccount.ensure(social, AssistantConfig.DEFAULT_HANDLE).id();
        // an operator's shorter prompt (the tiny model's prefill dominates the test's time on a busy machine)
        try {
            Files.createDirectories(dir.resolve("prompts"));
            Files.writeString(dir.resolve("prompts/assistant.txt"), """
                    # starling prompt
                    # version: 1
                    [system]
                    You are @{{handle}}. Reply in {{language}} in at most {{max_chars}} characters.
                    [user]
                    {{thread}}
                    {{posts}}
                    @{{mentioner}} wrote:
                    {{mention}}
                    """);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void down() {
        db.close();
    }

    @Test
    void everyMentionGetsExactlyOneReplyAcrossKillNine() throws Exception {
        List<Long> mentions = new ArrayList<>();
        PostVisibility[] vis = PostVisibility.values();
        for (int a = 0; a < 4; a++) {
            Account acc = social.accounts().createWithoutPassword("k" + a, "k" + a + "@example.org", "k" + a, false).orThrow();
            for (int i = 0; i < MENTIONS / 4; i++) {
                mentions.add(social.posts().create(acc.id(), NewPost.of("@starling question " + i + " from k" + a, vis[(a + i) % vis.length]))
                        .orThrow().id());
            }
        }
        long t0 = System.nanoTime();
        int killedAt = runAndKill(MENTIONS / 6, "first");
        check(mentions, false);
        // a second run to the end
        Process child = startChild("second");
        try {
            // generous for a machine shared with other builds; about 10 s when it is not
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (recorded() < MENTIONS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(MENTIONS, recorded(), "the second child did not finish; its log:\n" + log("second"));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.printf("AssistantKillTest: killed with %d of %d mentions recorded; all done in %d ms%n", killedAt, MENTIONS,
                (System.nanoTime() - t0) / 1_000_000);
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT avg(generation_millis), max(generation_millis), avg(prompt_tokens), avg(completion_tokens), avg(attempts) FROM assistant_mentions");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                System.out.printf("AssistantKillTest: generation avg %.0f ms (max %d), prompt %.0f tokens, completion %.1f tokens, %.2f attempts%n",
                        rs.getDouble(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5));
            }
            return null;
        });
        assertTrue(killedAt < MENTIONS, "the kill came before the end (" + killedAt + ")");
        check(mentions, true);
    }

    /** Starts the child, waits until at least {@code atLeast} mentions are recorded, kills it with SIGKILL. */
    private int runAndKill(int atLeast, String label) throws Exception {
        Process child = startChild(label);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int n;
        while ((n = recorded()) < atLeast && System.nanoTime() < deadline && child.isAlive()) {
            Thread.sleep(10);
        }
        child.destroyForcibly(); // SIGKILL
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(n >= atLeast, "the " + label + " child recorded only " + n + " mentions; its log:\n" + log(label));
        return recorded();
    }

    /** Starts a child and waits until it says READY (its assistant is running); prints how long that took. */
    private Process startChild(String label) throws IOException {
        long t0 = System.nanoTime();
        Process p = spawn(label);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive() && !log(label).contains("READY")) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertTrue(log(label).contains("READY"), "the " + label + " child did not start; its log:\n" + log(label));
        System.out.printf("AssistantKillTest: %s child ready in %d ms%n", label, (System.nanoTime() - t0) / 1_000_000);
        return p;
    }

    private Process spawn(String label) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String url = db.hikari().getJdbcUrl();
        return new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                AssistantWorkerMain.class.getName(), url, EmbeddedDatabase.USER, gguf.toString(), "2",
                dir.resolve("prompts").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + label + ".log").toFile()).start();
    }

    private String log(String label) {
        try {
            String s = Files.readString(dir.resolve("child-" + label + ".log"), StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private int recorded() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM assistant_mentions"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** No mention has two replies; every assistant post belongs to exactly one ledger row; at the end, all replied. */
    private void check(List<Long> mentions, boolean complete) {
        Map<Long, List<Long>> ledger = new HashMap<>();
        Map<Long, String> outcomes = new HashMap<>();
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT mention_post_id, outcome, reply_post_ids FROM assistant_mentions");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array arr = rs.getArray(3);
                    List<Long> ids = new ArrayList<>();
                    for (Object o : (Object[]) arr.getArray()) {
                        ids.add(((Number) o).longValue());
                    }
                    ledger.put(rs.getLong(1), ids);
                    outcomes.put(rs.getLong(1), rs.getString(2));
                }
            }
            return null;
        });
        Map<Long, Integer> firstReplies = new HashMap<>();
        Set<Long> assistantPosts = new HashSet<>();
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, in_reply_to_id FROM posts WHERE author_id = ?")) {
                ps.setLong(1, assistantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assistantPosts.add(rs.getLong(1));
                        firstReplies.merge(rs.getLong(2), 1, Integer::sum);
                    }
                }
            }
            return null;
        });
        Set<Long> inLedger = new HashSet<>();
        for (List<Long> ids : ledger.values()) {
            for (long id : ids) {
                assertTrue(inLedger.add(id), "post " + id + " is in two ledger rows");
            }
        }
        assertEquals(inLedger, assistantPosts, "every reply post has its ledger row and every ledger row its posts");
        for (long m : mentions) {
            int replies = firstReplies.getOrDefault(m, 0);
            assertTrue(replies <= 1, "mention " + m + " has " + replies + " replies");
            if (complete) {
                assertEquals("replied", outcomes.get(m), "mention " + m);
                assertEquals(1, replies, "mention " + m);
            }
        }
    }
}
