package dev.starling.ai.chat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Render time of the real chat templates (a four-message conversation), after warm-up. Not a test; run by hand:
 * {@code java -cp <ai test classpath> dev.starling.ai.chat.ChatTemplateRenderBench [../shared/data/chat-templates]}.
 */
public final class ChatTemplateRenderBench {

    private ChatTemplateRenderBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/chat-templates");
        List<ChatMessage> conversation = List.of(ChatMessage.user("Hello!"), ChatMessage.assistant("Hi."),
                ChatMessage.user("What is 2+2?"));
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                ChatTemplate t = ChatTemplate.of(Files.readString(file), "<s>", "</s>");
                int rounds = 2_000;
                for (int i = 0; i < rounds; i++) {
                    t.render(conversation, true);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    t.render(conversation, true);
                }
                System.out.printf(Locale.ROOT, "%-45s %8.1f us per render%n", file.getFileName(),
                        (System.nanoTime() - t0) / 1e3 / rounds);
            }
        }
    }
}
