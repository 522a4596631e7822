package dev.starling.llm.tensor;

/** Seeded randomness: a fresh seed each run, printed; replay with -Dtests.seed=N. */
public final class TestSeeds {
    private TestSeeds() {
    }

    public static long seed(String testName) {
        String fixed = System.getProperty("tests.seed");
        long seed = fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.trim()) : System.nanoTime();
        System.out.println(testName + ": seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        return seed;
    }
}
