package dev.starling.llm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.quant.Requantize;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requantizing an F32 model gives exactly the model written in that type directly. */
class RequantizeTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"tiny-qwen2, Q8_0", "small-llama, Q4_K", "tiny-llama, BF16"})
    void requantizedF32EqualsDirectlyWritten(String shapeName, GgmlType type) throws Exception {
        Shape shape = Shape.byName(shapeName);
        ModelVocabulary v = ModelVocabulary.synthetic(300);
        Path f32 = dir.resolve("f32.gguf");
        Path direct = dir.resolve("direct.gguf");
        Path converted = dir.resolve("converted.gguf");
        SyntheticModel.write(shape, GgmlType.F32, v, 9, f32);
        SyntheticModel.write(shape, type, v, 9, direct);
        int n = Requantize.convert(f32, converted, type, Requantize.MATRICES);
        try (GgufFile a = GgufFile.open(direct); GgufFile b = GgufFile.open(converted)) {
            assertEquals(a.tensors().size(), b.tensors().size());
            int matrices = 0;
            for (GgufTensorInfo ta : a.tensors()) {
                GgufTensorInfo tb = b.tensor(ta.name());
                assertEquals(ta.type(), tb.type(), ta.name());
                assertArrayEquals(ta.dims(), tb.dims(), ta.name());
                assertArrayEquals(a.tensorData(ta).toArray(ValueLayout.JAVA_BYTE),
                        b.tensorData(tb).toArray(ValueLayout.JAVA_BYTE), ta.name());
                matrices += ta.dimCount() == 2 ? 1 : 0;
            }
            assertEquals(matrices, n);
            assertEquals(a.metadata().getStringArray("tokenizer.ggml.tokens").length,
                    b.metadata().getStringArray("tokenizer.ggml.tokens").length);
            assertFalse(b.metadata().has("general.file_type"));
        }
    }
}
