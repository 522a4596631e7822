package dev.starling.ai.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copy-augmented greedy decoding on a tiny random model (synthetic 1,024-token vocabulary): with a copy weight near 1
 * the answer continues a span of the evidence; without one it is the random model's text.
 */
class LocalBackendCopyTest {

    private static final String EVIDENCE = "Saw bright green aurora over Kirkwall harbour tonight, amazing colours";
    private static final String OTHER = "Quiet Monday; fixed my bike and baked rye bread";

    @TempDir
    Path dir;

    @Test
    void aCopyWeightNearOneContinuesAnEvidenceSpan() throws Exception {
        Path model = dir.resolve("tiny-copy.gguf");
        Shape shape = new Shape("tiny-copy", "llama", 64, 2, 4, 2, 16, 128, 0, 1024, 10000f, 1e-5f, false, false, false, 0f);
        SyntheticModel.write(shape, GgmlType.F32, ModelVocabulary.synthetic(1024), 7, model);
        try (LocalBackend backend = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId("tiny"))) {
            List<ChatMessage> conversation = List.of(ChatMessage.system("Answer from the posts."),
                    ChatMessage.user("[1] " + EVIDENCE + "\n[2] " + OTHER + "\nQ: what about the aurora?"));
            var tok = backend.tokenizer();
            int evidenceTokens = tok.encode(EVIDENCE).length;
            // the evidence as its tokens read back (this synthetic vocabulary has no lone "▁": the space prefix is
            // byte tokens, read back as "▁"); an answer that copies tokens reads back as a part of these
            List<String> spans = List.of(tok.decode(tok.encode(EVIDENCE)), tok.decode(tok.encode(OTHER)));
            int maxTokens = Math.min(16, evidenceTokens - 2);
            ChatRequest plain = new ChatRequest("tiny", conversation, SamplingParams.greedy(maxTokens));
            String modelOnly = backend.chat(plain, DeltaListener.NONE).orElseThrow().text();
            String zeroWeight = backend.chat(plain.withCopy(CopyEvidence.of(List.of(EVIDENCE, OTHER), 0)), DeltaListener.NONE)
                    .orElseThrow().text();
            assertEquals(modelOnly, zeroWeight, "a copy weight of 0 changes nothing");
            assertFalse(isSpan(spans, modelOnly), "the random model alone should not happen to write an evidence span: '" + modelOnly + "'");

            Completion copied = backend.chat(plain.withCopy(CopyEvidence.of(List.of(EVIDENCE, OTHER), 0.99)), DeltaListener.NONE)
                    .orElseThrow();
            String text = copied.text();
            System.out.println("model alone: '" + modelOnly + "'; copy weight 0.99: '" + text + "'");
            assertEquals(maxTokens, copied.usage().completionTokens(), "no early stop while copying");
            assertTrue(text.strip().length() >= 8, "too short to show copying: '" + text + "'");
            assertTrue(isSpan(spans, text.strip()), "with a copy weight of 0.99 the answer should continue an evidence span: '" + text + "'");
        }
    }

    private static boolean isSpan(List<String> spans, String text) {
        return !text.isBlank() && spans.stream().anyMatch(s -> s.contains(text));
    }
}
