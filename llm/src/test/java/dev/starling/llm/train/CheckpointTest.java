package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop, save, load, resume gives the same bits as training straight through; damaged files are named. */
class CheckpointTest {

    @Test
    void resumeIsExact(@TempDir Path dir) throws IOException {
        long seed = TinyModels.seed();
        ModelConfig c = TinyModels.config("qwen2", 16, 2, 4, 2, 24, 31, RopeStyle.NEOX);
        SplittableRandom rnd = new SplittableRandom(seed);
        int seq = 5;
        int[][][] tok = new int[4][1][2 * seq];
        int[][][] tgt = new int[4][1][2 * seq];
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < 2 * seq; i++) {
                tok[s][0][i] = rnd.nextInt(c.vocabSize());
                tgt[s][0][i] = rnd.nextInt(c.vocabSize());
            }
        }
        LrSchedule schedule = new LrSchedule(1e-2, 1e-3, 1, 4);
        LlamaParameters p = new LlamaParameters(c, true);
        p.initialize(rnd.nextLong(), 0.2);
        Trainer straight = new Trainer(p, new AdamW(0.9, 0.95, 1e-8, 0.1), schedule, 1.0);
        Path ck = dir.resolve("step2.ckpt");
        for (int s = 0; s < 4; s++) {
            if (s == 2) {
                Checkpoint.save(ck, p, straight.optimizer(), straight.step(), 2L * seq * 2);
            }
            straight.step(tok[s], tgt[s], 2, seq);
        }
        Checkpoint.State st = Checkpoint.load(ck);
        assertEquals(2, st.step());
        assertEquals(20L, st.dataPosition());
        assertEquals(c, st.params().config());
        Trainer resumed = new Trainer(st.params(), st.optimizer(), schedule, 1.0, st.step());
        for (int s = 2; s < 4; s++) {
            resumed.step(tok[s], tgt[s], 2, seq);
        }
        for (int i = 0; i < p.all().size(); i++) {
            assertArrayEquals(p.all().get(i).value(), st.params().all().get(i).value(), p.all().get(i).name() + " seed " + seed);
        }
    }

    @Test
    void damagedFilesAreRejectedWithFileAndOffset(@TempDir Path dir) throws IOException {
        ModelConfig c = TinyModels.config("llama", 8, 1, 2, 1, 12, 7, RopeStyle.NORMAL);
        LlamaParameters p = new LlamaParameters(c, false);
        p.initialize(1, 0.1);
        Path ck = dir.resolve("a.ckpt");
        Checkpoint.save(ck, p, new AdamW(0.9, 0.95, 1e-8, 0), 0, 0);
        byte[] good = Files.readAllBytes(ck);
        Files.write(ck, java.util.Arrays.copyOf(good, good.length - 3));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(ck));
        assertTrue(e.getMessage().contains("a.ckpt") && e.getMessage().contains("truncated"), e.getMessage());
        byte[] bad = good.clone();
        bad[4] = 9;
        Files.write(ck, bad);
        e = assertThrows(IOException.class, () -> Checkpoint.load(ck));
        assertTrue(e.getMessage().contains("offset 4") && e.getMessage().contains("version 9"), e.getMessage());
        Files.write(ck, java.util.Arrays.copyOf(good, good.length + 1));
        e = assertThrows(IOException.class, () -> Checkpoint.load(ck));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }
}
