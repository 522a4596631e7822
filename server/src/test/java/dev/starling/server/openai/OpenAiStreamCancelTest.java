package dev.starling.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.EmbeddingRequest;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.ModelBackend;
import dev.starling.ai.backend.ModelInfo;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that hangs up in the middle of a stream stops the generation instead of leaving it running. */
class OpenAiStreamCancelTest {

    @TempDir
    Path dir;

    /** The real backend, with each finished chat's outcome recorded. */
    private record Recording(ModelBackend inner, LinkedBlockingQueue<BackendResult<Completion>> chats)
            implements ModelBackend {
        static final long PACE_MILLIS = 3;

        @Override
        public BackendResult<List<ModelInfo>> models() {
            return inner.models();
        }

        @Override
        public BackendResult<Completion> chat(ChatRequest request, DeltaListener listener) {
            BackendResult<Completion> r = inner.chat(request, paced(listener));
            chats.add(r);
            return r;
        }

        /**
         * Forwards each delta, then waits {@value #PACE_MILLIS} ms. On an idle machine the tiny model wrote all 1,800
         * tokens in well under a second, before the hang-up had travelled through the client's and the socket's
         * buffers, so the test measured speed, not cancellation (it failed so once in a clean-clone CI run). Paced, 300
         * tokens leave the hang-up about a second to arrive; the real model and the real server are unchanged.
         */
        private static DeltaListener paced(DeltaListener listener) {
            return new DeltaListener() {
                @Override
                public void onDelta(String text) {
                    listener.onDelta(text);
                    try {
                        Thread.sleep(PACE_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public boolean cancelled() {
                    return listener.cancelled();
                }
            };
        }

        @Override
        public BackendResult<Completion> complete(CompletionRequest request, DeltaListener listener) {
            return inner.complete(request, listener);
        }

        @Override
        public BackendResult<Embeddings> embed(EmbeddingRequest request) {
            return inner.embed(request);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void hangingUpStopsTheGeneration() throws Exception {
        int maxTokens = 1_800;
        LinkedBlockingQueue<BackendResult<Completion>> chats = new LinkedBlockingQueue<>();
        try (LocalBackend local = LocalBackend.open(ModelBackendContract.writeTinyModel(dir),
                LocalBackend.Options.defaults().withModelId("tiny"));
             OpenAiTestServer server = new OpenAiTestServer(new Recording(local, chats), OpenAiLimits.DEFAULT);
             HttpClient http = HttpClient.newHttpClient()) {
            String body = "{\"model\": \"tiny\", \"stream\": true, \"temperature\": 0, \"max_tokens\": " + maxTokens
                    + ", \"messages\": [{\"role\": \"user\", \"content\": \"Talk for a long time.\"}]}";
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            InputStream in = response.body();
            byte[] first = in.readNBytes(600); // a few chunks
            assertTrue(new String(first, java.nio.charset.StandardCharsets.UTF_8).startsWith("data: "));
            in.close(); // hang up

            BackendResult<Completion> outcome = chats.poll(60, TimeUnit.SECONDS);
            assertNotNull(outcome, "the generation did not end within 60 s of the hang-up");
            Completion c = outcome.orElseThrow();
            System.out.println("cancelled after " + c.usage().completionTokens() + " tokens");
            // Same greedy request, not cut: the model itself runs past 300 tokens, so stopping earlier was the hang-up.
            Completion uncut = local.chat(new ChatRequest("tiny", List.of(dev.starling.ai.chat.ChatMessage.user(
                    "Talk for a long time.")), dev.starling.ai.backend.SamplingParams.greedy(300)), DeltaListener.NONE)
                    .orElseThrow();
            assertEquals(300, uncut.usage().completionTokens(), "the model stops by itself: " + uncut.usage());
            assertTrue(c.usage().completionTokens() < 300,
                    "generated " + c.usage().completionTokens() + " tokens for a client that left");
        }
    }
}
