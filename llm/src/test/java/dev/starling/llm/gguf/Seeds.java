package dev.starling.llm.gguf;

import java.util.concurrent.ThreadLocalRandom;

/** Seeds for randomized tests: {@code -Dtests.seed=N} replays a run; otherwise a fresh seed is drawn and printed. */
public final class Seeds {

    private Seeds() {
    }

    public static long seed(String testName) {
        String fixed = System.getProperty("tests.seed");
        long seed = fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.trim())
                : ThreadLocalRandom.current().nextLong();
        System.out.println(testName + ": seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        return seed;
    }
}
