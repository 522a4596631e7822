package dev.starling.search.bench;

import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostVisibility;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The benchmark's posts: the real tweets of TweetEval (hate and offensive sets left out), distinct
 * texts only, repeated to any number of posts with varied metadata. Post {@code i} uses text
 * {@code i % texts} unchanged (so equal texts have equal embeddings) with the hashtags, URLs and
 * mentions twitter-text finds in it; its author (10,000 heavy-tailed accounts), time (one post
 * every 2 s from 2026-01-01), visibility (85% public, 7% unlisted, 5% followers-only, 3% direct),
 * reply flag (20%), language (10% "es") and likes/reposts come from a generator seeded by
 * {@code i} alone, so the Lucene side and the PostgreSQL side see the same posts.
 */
final class BenchCorpus {

    static final int ACCOUNTS = 10_000;
    static final long START_MILLIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final long STEP_MILLIS = 2_000;

    /** What a post is, apart from its text. */
    record Meta(long id, int textIndex, long author, PostVisibility visibility, boolean reply, String lang, long faves, long reposts, long createdMillis) {
    }

    final List<String> texts;
    private final List<PostText.Extracted> entities;
    private final List<String> vocabulary;
    final int loadedLines;

    private BenchCorpus(List<String> texts, int loadedLines) {
        this.texts = texts;
        this.loadedLines = loadedLines;
        this.entities = texts.stream().map(PostText::extract).toList();
        this.vocabulary = vocabulary(texts);
    }

    /** Distinct non-blank tweets, in file order, at most {@code maxTexts}. */
    static BenchCorpus load(Path tweeteval, int maxTexts) throws IOException {
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        int lines = 0;
        try (var dirs = Files.list(tweeteval)) {
            for (Path d : dirs.sorted().toList()) {
                String name = d.getFileName().toString();
                if (!Files.isDirectory(d) || name.equals("hate") || name.equals("offensive")) {
                    continue;
                }
                try (var files = Files.walk(d)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_text.txt")).sorted().toList()) {
                        for (String l : Files.readAllLines(f)) {
                            if (!l.isBlank()) {
                                lines++;
                                distinct.add(l.strip());
                            }
                        }
                    }
                }
            }
        }
        List<String> all = new ArrayList<>(distinct);
        return new BenchCorpus(List.copyOf(all.subList(0, Math.min(all.size(), maxTexts))), lines);
    }

    static Meta meta(int i, int textCount) {
        Random r = new Random(0x5EEDL * 1_000_003L + i);
        long created = START_MILLIS + i * STEP_MILLIS;
        int v = r.nextInt(100);
        PostVisibility vis = v < 85 ? PostVisibility.PUBLIC : v < 92 ? PostVisibility.UNLISTED : v < 97 ? PostVisibility.PRIVATE : PostVisibility.DIRECT;
        return new Meta((created << 16) | (i & 0xFFFF), i % textCount, 1 + heavyTail(r, ACCOUNTS), vis, i > 0 && r.nextInt(5) == 0,
                r.nextInt(10) == 0 ? "es" : "en", (long) Math.floor(-Math.log(1 - r.nextDouble()) * 1.5), r.nextInt(8) == 0 ? r.nextInt(5) : 0, created);
    }

    ExportedPost post(int i) {
        Meta m = meta(i, texts.size());
        Random r = new Random(m.id());
        String text = texts.get(m.textIndex());
        PostText.Extracted x = entities.get(m.textIndex());
        List<Entities.Mention> mentions = new ArrayList<>();
        for (String ignored : x.mentionedUsernames()) {
            long a = 1 + r.nextInt(ACCOUNTS); // TweetEval writes every mention as @user: each becomes some account
            mentions.add(new Entities.Mention(a, "u" + a));
        }
        Long parent = m.reply() ? meta(r.nextInt(i), texts.size()).id() : null;
        Long parentAuthor = m.reply() ? (long) (1 + r.nextInt(ACCOUNTS)) : null;
        Post p = new Post(m.id(), m.author(), text, m.visibility(), parent, parentAuthor, null, null, null, m.lang(), false, "",
                new Entities(x.hashtags(), mentions, x.urls(), x.cashtags()), Instant.ofEpochMilli(m.createdMillis()), null);
        return new ExportedPost(p, "u" + m.author(), m.reply() ? "u" + parentAuthor : null, m.faves(), m.reposts(), 0);
    }

    /** One of the 2,000 most frequent words of 4+ letters, after the 50 most frequent. */
    String word(Random r) {
        return vocabulary.get(r.nextInt(vocabulary.size()));
    }

    private static List<String> vocabulary(List<String> texts) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) {
            for (String w : t.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (w.length() >= 4) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        List<String> byCount = new ArrayList<>(counts.keySet());
        byCount.sort((a, b) -> counts.get(b) - counts.get(a) != 0 ? counts.get(b) - counts.get(a) : a.compareTo(b));
        return List.copyOf(byCount.subList(Math.min(50, byCount.size()), Math.min(byCount.size(), 2050)));
    }

    static int heavyTail(Random r, int n) {
        return (int) Math.min(n - 1, Math.floor(n * Math.pow(r.nextDouble(), 3)));
    }
}
