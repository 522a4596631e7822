package dev.starling.app.model;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.app.StarlingSubcommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code starling chat -m MODEL}: an interactive conversation. Each line read is a user turn; the model's answer,
 * rendered through the model's own chat template with the whole history, streams back. {@code /reset} forgets the
 * history, {@code /exit} (or end of input) quits.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Talk with a GGUF model; uses the model's chat template and keeps the conversation.")
public final class ChatCommand implements Callable<Integer>, StarlingSubcommand {

    /** Longest user line accepted, in characters. */
    static final int MAX_LINE_CHARS = 64 * 1024;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL.gguf", description = "The model file (run in this process)")
    Path model;

    @Option(names = "--upstream", paramLabel = "URL", description = "Use an OpenAI-compatible server instead, e.g. http://127.0.0.1:8080/v1")
    String upstream;

    @Option(names = "--upstream-model", paramLabel = "NAME", description = "The model name to ask --upstream for")
    String upstreamModel;

    @Option(names = "--upstream-key", paramLabel = "KEY", description = "Bearer key for --upstream")
    String upstreamKey;

    @Option(names = "--system", description = "A system message to start the conversation with")
    String system;

    @Mixin
    SamplingOptions sampling;

    InputStream in = System.in;
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        ModelFiles.Opened opened = ModelFiles.open(model, upstream, upstreamModel, upstreamKey, err);
        if (opened == null) {
            return 1;
        }
        try (var backend = opened.backend()) {
            var invalid = sampling.params().validate(Integer.MAX_VALUE);
            if (invalid.isPresent()) {
                err.println("starling: " + invalid.get().message());
                return 2;
            }
            if (backend instanceof LocalBackend local && !local.hasOwnChatTemplate()) {
                err.println("starling: the model has no chat template; using ChatML");
            }
            return converse(backend, opened.modelId(), new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        }
    }

    private int converse(dev.starling.ai.backend.ModelBackend backend, String modelId, BufferedReader reader)
            throws IOException {
        List<ChatMessage> history = new ArrayList<>();
        if (system != null) {
            history.add(ChatMessage.system(system));
        }
        err.println("starling: type a message; /reset forgets the conversation, /exit quits");
        while (true) {
            out.print("> ");
            out.flush();
            String line = reader.readLine();
            if (line == null || line.strip().equals("/exit")) {
                return 0;
            }
            if (line.strip().equals("/reset")) {
                history.removeIf(m -> !m.role().equals("system"));
                err.println("starling: conversation reset");
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            if (line.length() > MAX_LINE_CHARS) {
                err.println("starling: a message may have at most " + MAX_LINE_CHARS + " characters");
                continue;
            }
            history.add(ChatMessage.user(line));
            BackendResult<Completion> result = backend.chat(
                    new ChatRequest(modelId, history, sampling.params()), text -> {
                        out.print(text);
                        out.flush();
                    });
            out.println();
            switch (result) {
                case BackendResult.Ok<Completion> ok -> history.add(ChatMessage.assistant(ok.value().text()));
                case BackendResult.Err<Completion> e -> {
                    history.removeLast();
                    err.println("starling: " + e.error().message());
                }
            }
        }
    }
}
