package dev.starling.app.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.app.Main;
import dev.starling.llm.gguf.GgufFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The model subcommands, run in-process on a tiny random model written by {@code gguf synth}. */
class ModelCommandsTest {

    @TempDir
    static Path dir;
    private static Path model;

    private static final class Captured {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void synthesize() throws Exception {
        model = dir.resolve("tiny.gguf");
        GgufCommand.Synth synth = new GgufCommand.Synth();
        Captured c = new Captured();
        synth.stdout = c.out;
        synth.err = c.err;
        int code = new CommandLine(synth).execute("--shape", "tiny-llama", "--type", "F32", "--seed", "3",
                model.toString());
        assertEquals(0, code, c.err());
        assertTrue(c.out().startsWith("wrote "), c.out());
    }

    @Test
    void mainKnowsTheModelCommands() {
        var names = Main.commandLine().getSubcommands().keySet();
        assertTrue(names.containsAll(List.of("generate", "chat", "bench", "gguf")), names.toString());
    }

    @Test
    void synthWritesAModelTheReaderAccepts() throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            assertEquals("llama", f.metadata().getString("general.architecture"));
            assertTrue(f.tensors().size() > 10);
        }
    }

    @Test
    void synthRejectsUnknownShapesAndTypes() {
        for (String[] args : List.of(new String[] {"--shape", "gpt-5", dir.resolve("x.gguf").toString()},
                new String[] {"--type", "Q3_XYZ", dir.resolve("y.gguf").toString()})) {
            GgufCommand.Synth synth = new GgufCommand.Synth();
            Captured c = new Captured();
            synth.stdout = c.out;
            synth.err = c.err;
            assertEquals(2, new CommandLine(synth).execute(args), Arrays.toString(args));
            assertTrue(c.err().contains("unknown"), c.err());
            assertFalse(Files.exists(Path.of(args[args.length - 1])));
        }
    }

    @Test
    void infoPrintsMetadataAndTensorTypes() {
        GgufCommand.Info info = new GgufCommand.Info();
        Captured c = new Captured();
        info.stdout = c.out;
        info.err = c.err;
        assertEquals(0, new CommandLine(info).execute(model.toString()));
        assertTrue(c.out().contains("general.architecture = llama"), c.out());
        assertTrue(c.out().contains("tensor types: {F32="), c.out());
    }

    private static String generate(String... extra) {
        GenerateCommand cmd = new GenerateCommand();
        Captured c = new Captured();
        cmd.out = c.out;
        cmd.err = c.err;
        String[] args = concat(new String[] {"-m", model.toString(), "-p", "Once upon a time", "--temperature", "0",
                "-n", "6"}, extra);
        assertEquals(0, new CommandLine(cmd).execute(args), c.err());
        assertTrue(c.err().contains("prompt +"), c.err());
        return c.out();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void generateStreamsTheSameGreedyTextEachTime() {
        String first = generate();
        assertFalse(first.isBlank(), "no text generated");
        assertEquals(first, generate());
    }

    @Test
    void generateRefusesBadSamplingAndMissingModels() {
        GenerateCommand cmd = new GenerateCommand();
        Captured c = new Captured();
        cmd.out = c.out;
        cmd.err = c.err;
        assertEquals(2, new CommandLine(cmd).execute("-m", model.toString(), "-p", "x", "--temperature", "5"));
        assertTrue(c.err().contains("temperature"), c.err());
        GenerateCommand missing = new GenerateCommand();
        Captured m = new Captured();
        missing.out = m.out;
        missing.err = m.err;
        assertEquals(1, new CommandLine(missing).execute("-m", dir.resolve("none.gguf").toString(), "-p", "x"));
        assertTrue(m.err().contains("no model file"), m.err());
    }

    @Test
    void chatKeepsTheConversationUntilReset() {
        ChatCommand cmd = new ChatCommand();
        Captured c = new Captured();
        cmd.out = c.out;
        cmd.err = c.err;
        cmd.in = new ByteArrayInputStream("Apples\nBananas\n/reset\nBananas\n/exit\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, new CommandLine(cmd).execute("-m", model.toString(), "--temperature", "0", "-n", "8"));
        // every prompt is "> "; an answer follows its prompt on the same line (/reset prints no answer)
        List<String> answers = Arrays.stream(c.out().split("\n"))
                .map(line -> line.replaceFirst("^(> )+", ""))
                .filter(line -> !line.isBlank())
                .toList();
        assertEquals(3, answers.size(), c.out());
        String withHistory = answers.get(1);
        String fresh = answers.get(2);
        assertFalse(withHistory.isBlank(), c.out());
        assertNotEquals(withHistory, fresh, "the second 'Bananas' saw the first turn; after /reset it must not");
        assertTrue(c.err().contains("conversation reset"), c.err());
    }

    @Test
    void benchRunsTheEngineBenchmarkOrSaysItIsMissing() {
        BenchCommand cmd = new BenchCommand();
        Captured c = new Captured();
        cmd.err = c.err;
        PrintStream original = System.out;
        ByteArrayOutputStream benchOut = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(benchOut, true, StandardCharsets.UTF_8));
            code = new CommandLine(cmd).execute("-m", model.toString(), "--prefill", "8", "--decode", "4",
                    "--streams", "2", "--repeats", "1", "--threads", "1");
        } finally {
            System.setOut(original);
        }
        boolean engineBench;
        try {
            Class.forName(BenchCommand.ENGINE_BENCH);
            engineBench = true;
        } catch (ClassNotFoundException e) {
            engineBench = false;
        }
        if (engineBench) {
            assertEquals(0, code, c.err());
            assertTrue(benchOut.toString(StandardCharsets.UTF_8).contains("prefill"), benchOut.toString());
        } else {
            assertEquals(1, code);
            assertTrue(c.err().contains("no engine benchmark"), c.err());
        }
    }

    /** The mixin {@code serve} uses: {@code --model} loads in-process, {@code --model-upstream} proxies, not both. */
    @Test
    void servingOptionsOpenTheRightBackend() throws Exception {
        ModelServingOptions none = new ModelServingOptions();
        new CommandLine(none).parseArgs();
        try (ModelServingOptions.Serving s = none.open()) {
            assertTrue(s.routes().isEmpty());
        }
        ModelServingOptions local = new ModelServingOptions();
        new CommandLine(local).parseArgs("--model", model.toString(), "--model-id", "tiny");
        try (ModelServingOptions.Serving s = local.open()) {
            assertEquals(1, s.routes().size());
            assertEquals("tiny", s.backend().models().orElseThrow().getFirst().id());
        }
        ModelServingOptions upstream = new ModelServingOptions();
        new CommandLine(upstream).parseArgs("--model-upstream", "http://127.0.0.1:9/v1");
        try (ModelServingOptions.Serving s = upstream.open()) {
            assertEquals(1, s.routes().size());
            assertTrue(s.backend() instanceof dev.starling.ai.backend.OpenAiHttpBackend);
        }
        ModelServingOptions both = new ModelServingOptions();
        new CommandLine(both).parseArgs("--model", model.toString(), "--model-upstream", "http://x/v1");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, both::open);
    }

    @Test
    void generateThroughAnUpstreamServerMatchesTheLocalModel() throws Exception {
        String localText = generate();
        try (ModelServingOptions.Serving serving = servingFor(model);
             dev.starling.server.StarlingServer server = dev.starling.server.StarlingServer.start("127.0.0.1", 0,
                     1 << 20, dev.starling.server.StarlingServer.defaultMapper(), new dev.starling.server.metrics.Metrics(),
                     new dev.starling.server.oauth.Authenticator(new dev.starling.server.oauth.OAuthStore(null),
                             new dev.starling.server.ratelimit.RateLimiter(java.time.Clock.systemUTC()),
                             dev.starling.server.ratelimit.RateLimits.unlimited()),
                     serving.routes())) {
            GenerateCommand cmd = new GenerateCommand();
            Captured c = new Captured();
            cmd.out = c.out;
            cmd.err = c.err;
            int code = new CommandLine(cmd).execute("--upstream", "http://127.0.0.1:" + server.port() + "/v1",
                    "--upstream-model", "tiny", "-p", "Once upon a time", "--temperature", "0", "-n", "6");
            assertEquals(0, code, c.err());
            assertEquals(localText, c.out());
        }
        GenerateCommand neither = new GenerateCommand();
        Captured n = new Captured();
        neither.out = n.out;
        neither.err = n.err;
        assertEquals(1, new CommandLine(neither).execute("-p", "x"));
        assertTrue(n.err().contains("--upstream"), n.err());
    }

    private static ModelServingOptions.Serving servingFor(Path file) throws Exception {
        ModelServingOptions options = new ModelServingOptions();
        new CommandLine(options).parseArgs("--model", file.toString(), "--model-id", "tiny");
        return options.open();
    }
}
