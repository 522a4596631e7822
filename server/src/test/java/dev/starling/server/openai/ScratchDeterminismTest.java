package dev.starling.server.openai;

import dev.starling.ai.backend.*;
import dev.starling.ai.chat.ChatMessage;
import java.nio.file.Path;
import java.util.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDeterminismTest {
    @TempDir Path dir;
    @Test
    void run() throws Exception {
        try (LocalBackend b = LocalBackend.open(ModelBackendContract.writeTinyModel(dir), LocalBackend.Options.defaults().withModelId("tiny"))) {
            var req = new ChatRequest("tiny", List.of(ChatMessage.user("Tell me a story.")), SamplingParams.defaults(24).withTemperature(1.5).withSeed(42));
            Set<String> texts = new HashSet<>();
            for (int i = 0; i < 6; i++) texts.add(b.chat(req, DeltaListener.NONE).orElseThrow().text());
            System.out.println("PLATFORM " + texts.size() + " " + texts);
            texts.clear();
            for (int i = 0; i < 6; i++) {
                String[] out = new String[1];
                Thread t = Thread.ofVirtual().start(() -> out[0] = b.chat(req, DeltaListener.NONE).orElseThrow().text());
                t.join();
                texts.add(out[0]);
            }
            System.out.println("VIRTUAL " + texts.size() + " " + texts);
            var greedy = new ChatRequest("tiny", List.of(ChatMessage.user("Tell me a story.")), SamplingParams.greedy(24));
            texts.clear();
            for (int i = 0; i < 6; i++) texts.add(b.chat(greedy, i % 2 == 0 ? DeltaListener.NONE : d -> {}).orElseThrow().text());
            System.out.println("GREEDY " + texts.size() + " " + texts);
        }
    }
}
