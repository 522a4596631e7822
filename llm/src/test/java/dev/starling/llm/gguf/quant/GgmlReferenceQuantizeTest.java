package dev.starling.llm.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.Seeds;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our quantizers and dequantizers against ggml's own, bit for bit: the reference functions
 * ({@code quantize_row_*_ref}, {@code dequantize_row_*}, {@code ggml_fp32_to_*_row}) are called through
 * java.lang.foreign in the libggml-base.so that node-llama-cpp ships (installed by scripts/llamacpp). Skips when
 * that library is absent.
 */
@SuppressWarnings("restricted") // calling into libggml-base.so is the point of this test
class GgmlReferenceQuantizeTest {

    private static Arena arena;
    private static SymbolLookup ggml;

    @BeforeAll
    static void load() {
        String project = System.getProperty("starling.project.dir", "..");
        Path lib = Path.of(project, "scripts", "llamacpp", "node_modules", "@node-llama-cpp", "linux-x64", "bins",
                "linux-x64", "libggml-base.so");
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64") && Files.isRegularFile(lib),
                "llama.cpp's libggml-base.so absent (npm install in scripts/llamacpp), skipping: " + lib);
        arena = Arena.ofShared();
        ggml = SymbolLookup.libraryLookup(lib, arena);
    }

    @AfterAll
    static void unload() {
        if (arena != null) {
            arena.close();
        }
    }

    private static MethodHandle fn(String name) {
        return Linker.nativeLinker().downcallHandle(ggml.find(name).orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    @ParameterizedTest
    @CsvSource({
        "F16,  ggml_fp32_to_fp16_row,     ''",
        "BF16, ggml_fp32_to_bf16_row_ref, ''",
        "Q8_0, quantize_row_q8_0_ref,     dequantize_row_q8_0",
        "Q4_0, quantize_row_q4_0_ref,     dequantize_row_q4_0",
        "Q4_K, quantize_row_q4_K_ref,     dequantize_row_q4_K",
        "Q6_K, quantize_row_q6_K_ref,     dequantize_row_q6_K",
    })
    void sameBytesAsGgml(GgmlType type, String quantizeFn, String dequantizeFn) throws Throwable {
        long seed = Seeds.seed("sameBytesAsGgml " + type);
        Random rnd = new Random(seed);
        MethodHandle quantize = fn(quantizeFn);
        MethodHandle dequantize = dequantizeFn.isEmpty() ? null : fn(dequantizeFn);
        try (Arena a = Arena.ofConfined()) {
            for (int round = 0; round < 200; round++) {
                float[] x = values(rnd, 256 * (1 + rnd.nextInt(4)), round);
                byte[] ours = Quantize.all(type, x);
                MemorySegment src = a.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                MemorySegment dst = a.allocate(ours.length);
                quantize.invokeExact(src, dst, (long) x.length);
                byte[] theirs = dst.toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(theirs, ours, "seed " + seed + " round " + round + ": " + type + " bytes differ");
                if (dequantize != null) {
                    MemorySegment out = a.allocate(ValueLayout.JAVA_FLOAT, x.length);
                    dequantize.invokeExact(dst, out, (long) x.length);
                    assertArrayEquals(out.toArray(ValueLayout.JAVA_FLOAT), Dequantize.all(type, ours, x.length),
                            "seed " + seed + " round " + round + ": " + type + " dequantized values differ");
                }
            }
        }
    }

    /** Gaussian values at many scales, and the corner cases: zeros, constants, outliers, one-signed, tiny. */
    private static float[] values(Random rnd, int n, int round) {
        float[] x = new float[n];
        double scale = Math.pow(10, rnd.nextInt(9) - 6);
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * rnd.nextGaussian());
        }
        switch (round % 8) {
            case 1 -> java.util.Arrays.fill(x, 0, 64, 0f);
            case 2 -> java.util.Arrays.fill(x, 32, 96, (float) scale);
            case 3 -> x[rnd.nextInt(n)] = (float) (scale * 1000);
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    x[i] = Math.abs(x[i]);
                }
            }
            case 5 -> {
                for (int i = 0; i < n; i++) {
                    x[i] = -Math.abs(x[i]) - (float) scale;
                }
            }
            case 6 -> x[rnd.nextInt(n)] = rnd.nextBoolean() ? 65504f * 4 : 1e-30f;
            default -> {
            }
        }
        return x;
    }
}
