package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.visibility.Viewer;
import dev.starling.social.visibility.Visibility;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The canary test of issue 6: random networks (follows, locked accounts, blocks, replies, posts of every visibility,
 * mentions) where every followers-only and direct post carries a unique canary word. Over many generated questions
 * (often naming canaries outright), explanations and summaries, as random viewers (and anonymously), neither the
 * prompt the model was given (seen by a recording decorator around the real tiny model) nor the output contains a
 * canary of a post that viewer may not see, according to social's {@link Visibility#canSee}. As a control, canaries
 * the viewer may see must reach prompts at least once (the test could see a leak if there were one).
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}; {@code -Dtests.networks=N} (default 1),
 * {@code -Dtests.operations=N} (default 20: 40 questions, 20 explains, 20 summaries per network).
 */
class CanaryLeakRandomizedTest {

    private static final String[] TOPICS = {"river", "garden", "market", "train", "festival", "harbour", "library", "storm"};

    record Canary(String word, Post post) {
    }

    @Test
    void nothingAViewerMayNotSeeReachesThePromptOrTheOutput() throws Exception {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        int networks = Integer.getInteger("tests.networks", 1);
        int ops = Integer.getInteger("tests.operations", 20);
        System.out.println("CanaryLeakRandomizedTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random seeds = new Random(seed);
        int visibleCanariesInPrompts = 0;
        int visibleCanariesCopied = 0;
        for (int n = 0; n < networks; n++) {
            long netSeed = seeds.nextLong();
            // copy-augmented decoding with a high weight: answers copy from their evidence, so a canary that reached
            // the copy source would reach the output too
            AnswerSettings settings = AiTestNetwork.testSettings().withMaxTokens(COPY_TOKENS).withCopyWeight(0.9);
            try (AiTestNetwork net = new AiTestNetwork("ai_canary", settings, true)) {
                Random r = new Random(netSeed);
                List<Account> accounts = new ArrayList<>();
                List<Post> posts = new ArrayList<>();
                List<Canary> canaries = new ArrayList<>();
                build(net.social, r, n, accounts, posts, canaries);
                net.index();
                try {
                    long t0 = System.nanoTime();
                    int[] hits = check(net, r, accounts, posts, canaries, ops);
                    visibleCanariesInPrompts += hits[0];
                    visibleCanariesCopied += hits[1];
                    System.out.printf("network %d: %d accounts, %d posts, %d canaries, %d operations in %d ms (%d model calls)%n", n,
                            accounts.size(), posts.size(), canaries.size(), ops * 4, (System.nanoTime() - t0) / 1_000_000,
                            net.model.prompts.size());
                } catch (AssertionError e) {
                    throw new AssertionError("network " + n + " (seed " + seed + "): " + e.getMessage(), e);
                }
            }
        }
        assertTrue(visibleCanariesInPrompts > 0, "control: no canary its viewer may see ever reached a prompt, so the"
                + " test could not see a leak either (seed " + seed + ")");
        System.out.println("canaries their viewer may see copied into outputs: " + visibleCanariesCopied);
    }

    /** Tokens per answer: enough for the tiny model to copy a post's two topic words and its canary. */
    private static final int COPY_TOKENS = 20;

    private static <T> T pick(Random r, List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    private static String canaryWord(Random r) {
        StringBuilder sb = new StringBuilder("canary");
        for (int i = 0; i < 10; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    private static void build(Social s, Random r, int net, List<Account> accounts, List<Post> posts, List<Canary> canaries) {
        int nAccounts = 5 + r.nextInt(5);
        for (int i = 0; i < nAccounts; i++) {
            String name = "c" + net + "u" + i;
            accounts.add(s.accounts().createWithoutPassword(name, name + "@example.org", "", r.nextInt(4) == 0).orThrow());
        }
        for (int k = 0; k < 40 + r.nextInt(40); k++) {
            Account a = pick(r, accounts);
            Account b = pick(r, accounts);
            int op = r.nextInt(100);
            if (op < 25) {
                s.relationships().follow(a.id(), b.id());
            } else if (op < 30) {
                s.relationships().authorize(a.id(), b.id());
            } else if (op < 34) {
                s.relationships().block(a.id(), b.id());
            } else {
                PostVisibility v = PostVisibility.values()[r.nextInt(4)];
                StringBuilder text = new StringBuilder(pick(r, List.of(TOPICS))).append(' ').append(pick(r, List.of(TOPICS)));
                String canary = null;
                if (v == PostVisibility.PRIVATE || v == PostVisibility.DIRECT) {
                    canary = canaryWord(r);
                    text.append(' ').append(canary);
                }
                if (v == PostVisibility.DIRECT || r.nextInt(3) == 0) {
                    text.append(" @").append(b.username());
                }
                NewPost np = NewPost.of(text.toString(), v);
                if (!posts.isEmpty() && r.nextInt(3) == 0) {
                    np = np.replyTo(pick(r, posts).id());
                }
                Outcome<Post> o = s.posts().create(a.id(), np);
                if (o.isOk()) {
                    posts.add(o.orThrow());
                    if (canary != null) {
                        canaries.add(new Canary(canary, o.orThrow()));
                    }
                }
            }
        }
    }

    /** Visible canaries that reached prompts, and outputs. */
    private static int[] check(AiTestNetwork net, Random r, List<Account> accounts, List<Post> posts, List<Canary> canaries, int ops) {
        Map<Long, Viewer> viewers = new HashMap<>();
        int controlHits = 0;
        int copiedHits = 0;
        for (int i = 0; i < ops * 4; i++) {
            Long viewerId = r.nextInt(8) == 0 ? null : pick(r, accounts).id();
            Viewer viewer = viewers.computeIfAbsent(viewerId == null ? -1L : viewerId,
                    k -> net.db.withConnection(c -> Visibility.viewer(c, viewerId)));
            int calls = net.model.prompts.size();
            int kind = i % 4;
            String what;
            String question = null;
            AnswerOutcome o;
            if (kind < 2) {
                StringBuilder q = new StringBuilder("what about the ").append(pick(r, List.of(TOPICS)));
                if (!canaries.isEmpty() && r.nextBoolean()) {
                    q.append(" and ").append(pick(r, canaries).word()); // ask for a secret by name
                }
                question = q.toString();
                what = "ask '" + q + "'";
                o = net.ai.ask().ask(viewerId, q.toString(), AnswerListener.NONE);
            } else {
                Post p = pick(r, posts);
                what = (kind == 2 ? "explain " : "summarize ") + p.id();
                o = kind == 2 ? net.ai.explain().explain(viewerId, p.id(), AnswerListener.NONE)
                        : net.ai.summarize().summarize(viewerId, p.id(), AnswerListener.NONE);
            }
            String prompt = net.model.prompts.size() > calls ? net.model.prompts.getLast() : "";
            String output = o instanceof AnswerOutcome.Answered a ? a.answer().text() : "";
            if (question != null) {
                // the asker's own words are not a leak: what is checked is everything else
                prompt = prompt.replace(PromptTextForTests.escaped(question), "");
                output = output.replace(question, "");
            }
            for (Canary c : canaries) {
                boolean maySee = Visibility.canSee(viewer, c.post());
                if (!maySee) {
                    if (prompt.contains(c.word()) || output.contains(c.word())) {
                        throw new AssertionError("canary of post " + c.post().id() + " (" + c.post().visibility()
                                + " by " + c.post().authorId() + ") reached " + (prompt.contains(c.word()) ? "the prompt" : "the output")
                                + " of " + what + " for viewer " + viewerId + "\n" + prompt);
                    }
                } else {
                    controlHits += prompt.contains(c.word()) ? 1 : 0;
                    copiedHits += output.contains(c.word()) ? 1 : 0;
                }
            }
            if (o instanceof AnswerOutcome.Answered a) {
                for (long id : a.answer().evidencePostIds()) {
                    Post p = posts.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
                    assertTrue(Visibility.canSee(viewer, p), "evidence " + id + " of " + what + " is invisible to " + viewerId);
                }
            }
        }
        return new int[] {controlHits, copiedHits};
    }
}
