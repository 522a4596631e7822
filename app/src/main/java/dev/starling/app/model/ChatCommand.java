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

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL.gguf", description = "The model file")
    Path model;

    @Option(names = "--system", description = "A system message to start the conversation with")
    String system;

    @Mixin
    SamplingOptions sampling;

    InputStream in = System.in;
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        LocalBackend backend = ModelFiles.open(model, err);
        if (backend == null) {
            return 1;
        }
        try (backend) {
            var invalid = sampling.params().validate(Integer.MAX_VALUE);
            if (invalid.isPresent()) {
                err.println("starling: " + invalid.get().message());
                return 2;
            }
            if (!backend.hasOwnChatTemplate()) {
                err.println("starling: the model has no chat template; using ChatML");
            }
            return converse(backend, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        }
    }

    private int converse(LocalBackend backend, BufferedReader reader) throws IOException {
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
                    new ChatRequest(backend.info().id(), history, sampling.params()), text -> {
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
