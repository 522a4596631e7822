package dev.starling.ai.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real chat templates of four model families, from {@code ../shared/data/chat-templates}, rendered on one
 * conversation. The expected strings were written by reading each template, not by running it; they are the
 * formats these families document (ChatML for Qwen, Llama 3 headers, Gemma turns, Phi tags).
 */
class RealChatTemplatesTest {

    private static final Clock NOV_29_2026 = Clock.fixed(Instant.parse("2026-11-29T13:00:00Z"), ZoneOffset.UTC);

    private static final String SYSTEM = "You are a helpful assistant.";
    private static final String USER_1 = "Hello!";
    private static final String ASSISTANT_1 = "Hi there. How can I help?";
    /** Leading and trailing whitespace: Llama and Gemma trim message content, Qwen and Phi keep it. */
    private static final String USER_2 = " What is 2+2? \n";

    private static final List<ChatMessage> WITH_SYSTEM = List.of(ChatMessage.system(SYSTEM), ChatMessage.user(USER_1),
            ChatMessage.assistant(ASSISTANT_1), ChatMessage.user(USER_2));
    private static final List<ChatMessage> WITHOUT_SYSTEM = WITH_SYSTEM.subList(1, WITH_SYSTEM.size());

    private static String template(String fileName) throws IOException {
        String shared = System.getProperty("starling.shared.dir", "../shared");
        Path file = Path.of(shared, "data", "chat-templates", fileName);
        Assumptions.assumeTrue(Files.isReadable(file),
                () -> "skipped: real chat template " + file.toAbsolutePath() + " is absent (shared data not present)");
        return Files.readString(file);
    }

    /** The chat_template of a Hugging Face tokenizer_config.json in ../shared/data/tokenizers. */
    private static String configTemplate(String model) throws IOException {
        String shared = System.getProperty("starling.shared.dir", "../shared");
        Path file = Path.of(shared, "data", "tokenizers", model, "tokenizer_config.json");
        Assumptions.assumeTrue(Files.isReadable(file),
                () -> "skipped: " + file.toAbsolutePath() + " is absent (shared data not present)");
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()).get("chat_template").asText();
    }

    private static String rendered(ChatTemplate template, List<ChatMessage> messages, boolean addGenerationPrompt) {
        RenderOutcome outcome = template.render(messages, addGenerationPrompt);
        if (outcome instanceof RenderOutcome.Failed f) {
            throw new AssertionError("render failed: " + f.reason());
        }
        return ((RenderOutcome.Rendered) outcome).text();
    }

    @Test
    void qwen25UsesChatMlAndKeepsContentAsIs() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("Qwen-Qwen2.5-7B-Instruct.jinja"), "", "<|im_end|>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there. How can I help?<|im_end|>\n"
                + "<|im_start|>user\n What is 2+2? \n<|im_end|>\n"
                + "<|im_start|>assistant\n", rendered(t, WITH_SYSTEM, true));
    }

    @Test
    void qwen25AddsItsDefaultSystemPromptWhenThereIsNone() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("Qwen-Qwen2.5-7B-Instruct.jinja"), "", "<|im_end|>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n", rendered(t, List.of(ChatMessage.user(USER_1)), false));
    }

    @Test
    void llama32PutsTodaysDateInTheSystemHeaderAndTrimsContent() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("meta-llama-Llama-3.2-3B-Instruct.jinja"), "<|begin_of_text|>",
                "<|eot_id|>", ChatTemplateLimits.DEFAULT, NOV_29_2026);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 29 Nov 2026\n\n"
                + "You are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there. How can I help?<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", rendered(t, WITH_SYSTEM, true));
    }

    @Test
    void llama32TakesAGivenDateStringOverTheClock() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("meta-llama-Llama-3.2-3B-Instruct.jinja"), "<|begin_of_text|>",
                "<|eot_id|>", ChatTemplateLimits.DEFAULT, NOV_29_2026);
        RenderOutcome outcome = t.render(List.of(ChatMessage.user(USER_1)), false,
                java.util.Map.of("date_string", "26 Jul 2024"));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>", outcome.orElseThrow());
    }

    @Test
    void gemma2RendersModelTurnsAndTrimsContent() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("google-gemma-2-2b-it.jinja"), "<bos>", "<eos>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        assertEquals("<bos><start_of_turn>user\nHello!<end_of_turn>\n"
                + "<start_of_turn>model\nHi there. How can I help?<end_of_turn>\n"
                + "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n"
                + "<start_of_turn>model\n", rendered(t, WITHOUT_SYSTEM, true));
    }

    @Test
    void gemma2RejectsASystemMessageWithItsOwnMessage() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("google-gemma-2-2b-it.jinja"), "<bos>", "<eos>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        RenderOutcome.Failed failed = assertInstanceOf(RenderOutcome.Failed.class, t.render(WITH_SYSTEM, true));
        assertTrue(failed.reason().contains("System role not supported"), failed.reason());
    }

    @Test
    void gemma2RejectsRolesThatDoNotAlternate() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("google-gemma-2-2b-it.jinja"), "<bos>", "<eos>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        RenderOutcome.Failed failed = assertInstanceOf(RenderOutcome.Failed.class,
                t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true));
        assertTrue(failed.reason().contains("Conversation roles must alternate"), failed.reason());
    }

    @Test
    void phi35UsesRoleTagsAndEndsWithEosWithoutGenerationPrompt() throws IOException {
        ChatTemplate t = ChatTemplate.of(template("microsoft-Phi-3.5-mini-instruct.jinja"), "<s>", "<|endoftext|>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        String conversation = "<|system|>\nYou are a helpful assistant.<|end|>\n"
                + "<|user|>\nHello!<|end|>\n"
                + "<|assistant|>\nHi there. How can I help?<|end|>\n"
                + "<|user|>\n What is 2+2? \n<|end|>\n";
        assertEquals(conversation + "<|assistant|>\n", rendered(t, WITH_SYSTEM, true));
        assertEquals(conversation + "<|endoftext|>", rendered(t, WITH_SYSTEM, false));
    }

    @Test
    void qwen3TemplateWithReverseSlicesAndNamespaces() throws IOException {
        ChatTemplate t = ChatTemplate.of(configTemplate("qwen3"), "", "<|im_end|>", ChatTemplateLimits.DEFAULT,
                NOV_29_2026);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there. How can I help?<|im_end|>\n"
                + "<|im_start|>user\n What is 2+2? \n<|im_end|>\n"
                + "<|im_start|>assistant\n", rendered(t, WITH_SYSTEM, true));
    }

    @Test
    void qwen3DropsEarlierReasoningButKeepsTheAnswer() throws IOException {
        ChatTemplate t = ChatTemplate.of(configTemplate("qwen3"), "", "<|im_end|>", ChatTemplateLimits.DEFAULT,
                NOV_29_2026);
        List<ChatMessage> messages = List.of(ChatMessage.user("Hi"),
                ChatMessage.assistant("<think>\nThe user greets.\n</think>\n\nHello!"), ChatMessage.user("Bye"));
        assertEquals("<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n"
                + "<|im_start|>user\nBye<|im_end|>\n", rendered(t, messages, false));
    }

    @Test
    void llama3TokenizerConfigTemplatePutsBosOnTheFirstTurn() throws IOException {
        ChatTemplate t = ChatTemplate.of(configTemplate("llama3"), "<|begin_of_text|>", "<|end_of_text|>",
                ChatTemplateLimits.DEFAULT, NOV_29_2026);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there. How can I help?<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", rendered(t, WITH_SYSTEM, true));
    }
}
