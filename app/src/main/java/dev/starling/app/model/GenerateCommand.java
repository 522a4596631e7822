package dev.starling.app.model;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.app.StarlingSubcommand;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling generate -m MODEL -p PROMPT}: continues a prompt, streaming tokens to stdout as they come. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with a GGUF model, streaming the text to stdout (statistics go to stderr).")
public final class GenerateCommand implements Callable<Integer>, StarlingSubcommand {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL.gguf", description = "The model file (run in this process)")
    Path model;

    @Option(names = "--upstream", paramLabel = "URL", description = "Use an OpenAI-compatible server instead, e.g. http://127.0.0.1:8080/v1")
    String upstream;

    @Option(names = "--upstream-model", paramLabel = "NAME", description = "The model name to ask --upstream for")
    String upstreamModel;

    @Option(names = "--upstream-key", paramLabel = "KEY", description = "Bearer key for --upstream")
    String upstreamKey;

    @Option(names = {"-p", "--prompt"}, required = true, description = "The text to continue (no chat template)")
    String prompt;

    @Mixin
    SamplingOptions sampling;

    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;

    @Override
    public Integer call() {
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
            long t0 = System.nanoTime();
            BackendResult<Completion> result = backend.complete(
                    new CompletionRequest(opened.modelId(), prompt, sampling.params()), text -> {
                        out.print(text);
                        out.flush();
                    });
            long elapsedNanos = System.nanoTime() - t0;
            out.println();
            return switch (result) {
                case BackendResult.Ok<Completion> ok -> {
                    Completion c = ok.value();
                    err.printf(Locale.ROOT, "starling: %d prompt + %d generated tokens in %.2f s (%.2f tok/s overall), "
                            + "finish: %s%n", c.usage().promptTokens(), c.usage().completionTokens(), elapsedNanos / 1e9,
                            c.usage().completionTokens() / (elapsedNanos / 1e9), c.finishReason().openAiName());
                    yield 0;
                }
                case BackendResult.Err<Completion> e -> {
                    err.println("starling: " + e.error().message());
                    yield 1;
                }
            };
        }
    }
}
