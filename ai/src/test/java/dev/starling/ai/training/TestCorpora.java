package dev.starling.ai.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small made-up corpora of posts for training tests (seeded, a few KiB). */
final class TestCorpora {
    private static final String[] WHO = {"the cat", "my dog", "a starling", "our team", "the city", "this band", "my neighbour"};
    private static final String[] DID = {"sat on", "sang about", "flew over", "wrote about", "looked at", "laughed at"};
    private static final String[] WHAT = {"the mat", "the river", "a new song", "the morning news", "the old bridge", "the rain"};
    private static final String[] TAGS = {"#music", "#birds", "#weather", "#city", "", "", ""};

    private TestCorpora() {
    }

    static List<String> posts(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String post = WHO[r.nextInt(WHO.length)] + " " + DID[r.nextInt(DID.length)] + " " + WHAT[r.nextInt(WHAT.length)]
                    + (r.nextBoolean() ? " today" : " again") + " " + TAGS[r.nextInt(TAGS.length)];
            out.add(post.strip());
        }
        return out;
    }

    /** Writes posts one per line with {@code blankLines} blank lines in between; returns the file. */
    static Path file(Path dir, long seed, int count, int blankLines) throws IOException {
        List<String> lines = new ArrayList<>(posts(seed, count));
        for (int i = 0; i < blankLines; i++) {
            lines.add(1 + i * 3 % Math.max(1, lines.size()), "   ");
        }
        Path f = dir.resolve("corpus.txt");
        Files.write(f, lines);
        return f;
    }

    /** A tiny model for tests: 32 wide, 2 layers, vocab 320, seq 32, batch 4, 2 threads. */
    static TrainingConfig tiny(int steps) {
        return TrainingConfig.preset("tiny").withShape(32, 2, 4, 2, 64).withData(320, 32, 4, 1)
                .withStop(steps, 0).withValidation(5, 2, 0.1).withThreads(2).withSeed(7);
    }
}
