package dev.starling.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.training.ModelCard;
import dev.starling.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code starling train} in-process: a tiny model from a corpus file, served by LocalBackend; bad options rejected clearly. */
class TrainCommandTest {

    @TempDir
    Path dir;

    private static final String[] TINY = {"--size", "tiny", "--dim", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2",
            "--ffn", "64", "--vocab", "320", "--seq", "32", "--batch", "4", "--lr", "0.01", "--val-every", "10", "--threads", "2"};

    /** One run of the command line as Main builds it, with stdout and stderr captured. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        TrainCommand train = (TrainCommand) cl.getSubcommands().get("train").getCommand();
        train.stdout = o;
        train.err = e;
        train.terminal = false;
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] args(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Path corpus(int posts) throws Exception {
        String[] words = {"birds", "sing", "at", "dawn", "the", "river", "runs", "cold", "and", "clear", "today", "#spring"};
        SplittableRandom r = new SplittableRandom(11);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < posts; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 6 + r.nextInt(6); w++) {
                sb.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            lines.add(sb.toString());
        }
        return Files.write(dir.resolve("posts.txt"), lines);
    }

    @Test
    void trainWritesAModelThatLocalBackendServes() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        Run r = run(args(TINY, "--corpus", corpus(200).toString(), "--out", model.toString(), "--steps", "30"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote " + model.toAbsolutePath()), r.out());
        assertTrue(r.out().contains("30 steps (steps)"), r.out());
        assertTrue(r.err().contains("training: 100% step 30/30"), r.err());
        assertTrue(r.err().contains("ETA"), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("tiny.card.md")) && Files.isRegularFile(dir.resolve("tiny.card.json")));
        assertTrue(ModelCard.jsonFromGguf(model).orElseThrow().contains("\"posts_included\" : 200"));

        try (LocalBackend backend = LocalBackend.open(model, LocalBackend.Options.defaults())) {
            assertTrue(backend.hasOwnChatTemplate(), "the chat template travels in the GGUF");
            assertEquals(32, backend.config().contextLength());
            BackendResult<Completion> c = backend.complete(new CompletionRequest(backend.info().id(), "birds sing", SamplingParams.greedy(8)),
                    text -> { });
            assertInstanceOf(BackendResult.Ok.class, c, c::toString);
            Completion done = ((BackendResult.Ok<Completion>) c).value();
            // the trained BPE learned the corpus words: "birds" and " sing" are one token each
            assertEquals(2, done.usage().promptTokens(), done::toString);
            BackendResult<Completion> chat = backend.chat(new ChatRequest(backend.info().id(), List.of(ChatMessage.user("hi")),
                    SamplingParams.greedy(4)), text -> { });
            assertInstanceOf(BackendResult.Ok.class, chat, chat::toString);
        }
    }

    @Test
    void badOptionsAreRejectedSayingWhatIsWrong() throws Exception {
        Path model = dir.resolve("m.gguf");
        Path posts = corpus(20);
        Run noOut = run("train", "--corpus", posts.toString());
        assertEquals(2, noOut.code());
        assertTrue(noOut.err().contains("Missing required option: '--out=MODEL.gguf'"), noOut.err());

        Run preset = run("train", "--corpus", posts.toString(), "--out", model.toString(), "--size", "huge");
        assertEquals(1, preset.code());
        assertTrue(preset.err().contains("unknown size preset 'huge'; one of [tiny, small, base]"), preset.err());

        Run budget = run("train", "--corpus", posts.toString(), "--out", model.toString(), "--time-budget", "soon");
        assertEquals(2, budget.code());
        assertTrue(budget.err().contains("'soon' is not a duration; write e.g. 10m"), budget.err());

        Run heads = run("train", "--corpus", posts.toString(), "--out", model.toString(), "--size", "tiny", "--heads", "3");
        assertEquals(1, heads.code());
        assertTrue(heads.err().contains("dim 64 is not a multiple of heads 3"), heads.err());

        Run missing = run("train", "--corpus", dir.resolve("nope.txt").toString(), "--out", model.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such corpus file: " + dir.resolve("nope.txt")), missing.err());

        Run noDir = run("train", "--corpus", posts.toString(), "--out", dir.resolve("no/such/dir/m.gguf").toString());
        assertEquals(2, noDir.code());
        assertTrue(noDir.err().contains("the directory of --out does not exist"), noDir.err());

        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n\n");
        Run empty = run(args(TINY, "--corpus", blank.toString(), "--out", model.toString(), "--steps", "3"));
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("no posts to train on") && empty.err().contains("2 blank line"), empty.err());

        Run resume = run(args(TINY, "--corpus", posts.toString(), "--out", dir.resolve("never.gguf").toString(),
                "--steps", "3", "--resume"));
        assertEquals(1, resume.code());
        assertTrue(resume.err().contains("nothing to resume"), resume.err());
        assertTrue(Files.notExists(model), "nothing was written");
    }

    @Test
    void durationsParseAndHaveLimits() {
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("PT45S"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1500ms"));
        for (String bad : new String[] {"", "10", "m10", "10m5", "-5m", "0s", "8d", "200h", "1h 30m"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse(bad), bad);
        }
    }
}
