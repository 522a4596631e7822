package dev.starling.social.corpus;

import dev.starling.social.db.Database;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of {@link CorpusStreamingTest}, run with a small heap: streams the corpus of the
 * database at {@code args[0]} and prints {@code STREAMED <posts> <chars>}; with {@code args[1]}
 * = {@code collect} it keeps every text (the control: that must run out of memory).
 */
public final class CorpusStreamChild {

    public static void main(String[] args) {
        boolean collect = args.length > 1 && args[1].equals("collect");
        try (Database db = Database.open(new Database.Config(args[0], "postgres", null, 2))) {
            List<String> kept = new ArrayList<>();
            long[] n = {0, 0};
            long t0 = System.nanoTime();
            CorpusManifest m = new TrainingCorpus(db).forEach(p -> {
                n[0]++;
                n[1] += p.text().length();
                if (collect) {
                    kept.add(p.text());
                }
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("STREAMED " + n[0] + " " + n[1] + " " + ms + " " + Runtime.getRuntime().maxMemory() + " " + m.postsIncluded() + " " + kept.size());
        }
    }
}
