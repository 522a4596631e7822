package dev.starling.ai.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.chat.RenderOutcome;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny random model with Llama 3's real vocabulary and chat template (from ../shared/data/tokenizers/llama3):
 * the template's special-token text becomes single control tokens, and the BOS the template writes is not doubled.
 */
class LocalBackendRealVocabularyTest {

    @TempDir
    Path dir;

    @Test
    void llama3ChatPromptsBecomeTheRightTokens() throws Exception {
        Path tokenizerJson = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tokenizers",
                "llama3", "tokenizer.json");
        Assumptions.assumeTrue(Files.isReadable(tokenizerJson),
                () -> "skipped: " + tokenizerJson.toAbsolutePath() + " is absent (shared data not present)");
        Path model = dir.resolve("tiny-llama3-vocab.gguf");
        SyntheticModel.write(Shape.TINY_LLAMA, GgmlType.F32, ModelVocabulary.fromTokenizerJson(tokenizerJson,
                "llama-bpe"), 11, model);
        try (LocalBackend backend = LocalBackend.open(model, LocalBackend.Options.defaults().withModelId("l3"))) {
            assertTrue(backend.hasOwnChatTemplate(), "the vocabulary's tokenizer_config.json carries a template");
            List<ChatMessage> conversation = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello!"));
            String prompt = ((RenderOutcome.Rendered) backend.renderChat(conversation)).text();
            assertTrue(prompt.startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>"), prompt);

            int[] ids = backend.promptIds(prompt);
            var tok = backend.tokenizer();
            assertEquals(tok.bosId(), ids[0]);
            assertTrue(ids[1] != tok.bosId(), "BOS doubled: the template already wrote it");
            assertEquals(tok.specialId("<|start_header_id|>").orElseThrow(), ids[1]);
            long headers = java.util.Arrays.stream(ids)
                    .filter(id -> id == tok.specialId("<|start_header_id|>").orElseThrow()).count();
            assertEquals(3, headers, "system, user and the generation prompt's assistant header");

            Completion c = backend.chat(new ChatRequest("l3", conversation, SamplingParams.greedy(4)),
                    DeltaListener.NONE).orElseThrow();
            assertEquals(ids.length, c.usage().promptTokens());
        }
    }
}
