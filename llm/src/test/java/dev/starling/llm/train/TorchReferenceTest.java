package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java trainer against PyTorch: the committed reference file, and (when /usr/bin/python3 can
 * import torch) a freshly regenerated one, which must also equal the committed file, proving the
 * committed file is what scripts/torch-reference/reference.py produces.
 */
class TorchReferenceTest {
    static final Path COMMITTED = Path.of("src/test/resources/torch-reference/llama-tiny-v1.bin");
    static final Path SCRIPT = Path.of("../scripts/torch-reference/reference.py");

    @Test
    void javaTrainerMatchesCommittedPyTorchReference() throws IOException {
        double worst = TorchParity.check(TensorFile.read(COMMITTED));
        System.out.printf("worst tensor error vs PyTorch: %.3e of max|x|%n", worst);
    }

    @Test
    void fastPathMatchesCommittedPyTorchReference() throws IOException {
        try (dev.starling.llm.tensor.ComputePool pool = new dev.starling.llm.tensor.ComputePool(2)) {
            double worst = TorchParity.check(TensorFile.read(COMMITTED), pool);
            System.out.printf("fast path: worst tensor error vs PyTorch: %.3e of max|x|%n", worst);
        }
    }

    @Test
    void regeneratedReferenceEqualsCommittedAndMatches(@TempDir Path dir) throws Exception {
        assumeTrue(torchAvailable(), "skipped: /usr/bin/python3 cannot import torch "
                + "(install: apt-get install -y python3-torch libopenblas0-openmp)");
        Path out = dir.resolve("regenerated.bin");
        Process p = new ProcessBuilder("/usr/bin/python3", SCRIPT.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "reference.py did not finish in 120 s");
        assertEquals(0, p.exitValue(), "reference.py failed:\n" + log);
        System.out.print(log);
        TensorFile fresh = TensorFile.read(out);
        TensorFile committed = TensorFile.read(COMMITTED);
        assertEquals(committed.entries().keySet(), fresh.entries().keySet(), "entry names");
        for (String name : committed.entries().keySet()) {
            double[] a = fresh.get(name).values();
            double[] b = committed.get(name).values();
            assertEquals(b.length, a.length, name + " length");
            for (int i = 0; i < a.length; i++) {
                // same script, same seed: equal up to float rounding differences of the BLAS in use
                assertEquals(b[i], a[i], 1e-5 * (1 + Math.abs(b[i])), name + "[" + i + "] regenerated vs committed");
            }
        }
        TorchParity.check(fresh);
    }

    static boolean torchAvailable() {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
