package dev.starling.ai.trends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.answers.CopySources;
import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.answers.RecordingBackend;
import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.PromptTemplate;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelFiles;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.registry.OpenedModel;
import dev.starling.ai.registry.PromptSizer;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A story's prompt fits the model's context: posts are cut first (down to 40 characters), then fewer are quoted (the
 * first ones, so that {@code [n]} keeps naming the same post), down to the three a story must cite; below that the
 * writer says the prompt does not fit. The contexts are chosen from the real model's own token counts (its chat
 * template and tokenizer), so that exactly six posts of ten fit.
 */
class StoryWriterFitTest {

    private static final int MAX_TOKENS = 24;
    private static final Pattern MARKER = Pattern.compile("marker(\\d\\d)x");

    @TempDir
    Path dir;

    private static Shape shape(int contextTokens) {
        return new Shape("tiny-story-fit", "llama", 64, 2, 4, 2, 16, 128, 0, contextTokens, 10000f, 1e-5f,
                false, false, false, 0f);
    }

    private static List<QuotedPost> posts() {
        List<QuotedPost> posts = new ArrayList<>();
        Instant at = Instant.parse("2026-11-30T03:00:00Z");
        for (int i = 1; i <= 10; i++) {
            String text = ("marker%02dx the harbour storm closed the ferry again and the wind took the market stalls #Storm ")
                    .formatted(i).repeat(4);
            posts.add(new QuotedPost(i, 1000 + i, "author" + i, at.plusSeconds(i), "post", text));
        }
        return posts;
    }

    private static List<ChatMessage> render(PromptTemplate template, List<QuotedPost> posts, int count, int chars) {
        List<QuotedPost> quoted = posts.subList(0, count).stream().map(p -> p.truncated(chars)).toList();
        return template.render(PromptBindings.of().line("topics", "#Storm").posts("posts", quoted));
    }

    /** Writes a model with {@code contextTokens}, registers it for trends behind a recorder, and writes one story. */
    private StoryWriter.Outcome write(int contextTokens, RecordingBackend[] recorderOut) throws Exception {
        return write(contextTokens, recorderOut, CopyWeightSetting.inMemory(OptionalDouble.empty()));
    }

    private StoryWriter.Outcome write(int contextTokens, RecordingBackend[] recorderOut, CopyWeightSetting copyWeight) throws Exception {
        Path gguf = dir.resolve("fit-" + contextTokens + ".gguf");
        SyntheticModel.write(shape(contextTokens), GgmlType.F32, null, 3, gguf);
        try (LocalBackend local = LocalBackend.open(gguf, LocalBackend.Options.defaults().withModelId("fit"));
             ModelRegistry registry = ModelRegistry.withDefaultOpener()) {
            RecordingBackend recorder = new RecordingBackend(local);
            registry.addOpened(ModelFiles.describe(gguf, "fit"), new OpenedModel(recorder, PromptSizer.of(local)), true);
            registry.assign(Feature.TRENDS, "fit");
            recorderOut[0] = recorder;
            return new StoryWriter(registry, Prompts.classpath(), new StoryWriter.Settings(MAX_TOKENS, 60_000, 200),
                    copyWeight).write(List.of("#Storm"), posts());
        }
    }

    private static List<Integer> quotedMarkers(List<ChatMessage> conversation) {
        List<Integer> found = new ArrayList<>();
        for (ChatMessage m : conversation) {
            Matcher matcher = MARKER.matcher(m.content());
            while (matcher.find()) {
                int n = Integer.parseInt(matcher.group(1));
                if (!found.contains(n)) {
                    found.add(n);
                }
            }
        }
        return found;
    }

    @Test
    void postsAreCutThenFewerAreQuotedDownToThree() throws Exception {
        PromptTemplate template = Prompts.classpath().get(StoryWriter.PROMPT);
        List<QuotedPost> posts = posts();
        int[] tokensAt40 = new int[11];
        int allAt200;
        Path sizing = dir.resolve("sizing.gguf");
        SyntheticModel.write(shape(4096), GgmlType.F32, null, 3, sizing);
        try (LocalBackend local = LocalBackend.open(sizing, LocalBackend.Options.defaults().withModelId("sizing"))) {
            PromptSizer sizer = PromptSizer.of(local);
            for (int k = 3; k <= 10; k++) {
                tokensAt40[k] = sizer.tokens(render(template, posts, k, 40));
            }
            allAt200 = sizer.tokens(render(template, posts, 10, 200));
        }
        for (int k = 4; k <= 10; k++) {
            assertTrue(tokensAt40[k] > tokensAt40[k - 1], "each quoted post adds tokens");
        }
        RecordingBackend[] recorder = new RecordingBackend[1];

        // a roomy context: all ten posts, each cut to the configured 200 characters, not to 40
        StoryWriter.Outcome roomy = write(4096, recorder);
        assertTrue(allAt200 + MAX_TOKENS <= 4096, "the sizing assumption: " + allAt200);
        assertTrue(!(roomy instanceof StoryWriter.Outcome.Failed f) || f.reason().startsWith("the model wrote no headline"), roomy.toString());
        List<ChatMessage> roomyPrompt = recorder[0].conversations.getFirst();
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), quotedMarkers(roomyPrompt));
        assertTrue(String.join("\n", roomyPrompt.stream().map(ChatMessage::content).toList()).contains(posts.get(0).truncated(200).text()
                .substring(0, 150)), "posts are quoted up to 200 characters");

        // room for exactly six posts cut to 40 characters: the first six, in order, so that [n] names posts.get(n - 1)
        StoryWriter.Outcome six = write(tokensAt40[6] + MAX_TOKENS, recorder);
        assertTrue(!(six instanceof StoryWriter.Outcome.Failed f) || f.reason().startsWith("the model wrote no headline"), six.toString());
        List<ChatMessage> sixPrompt = recorder[0].conversations.getFirst();
        assertEquals(List.of(1, 2, 3, 4, 5, 6), quotedMarkers(sixPrompt));
        assertEquals(render(template, posts, 6, 40), sixPrompt, "six posts, each cut to 40 characters");

        // not even three posts fit: a clear failure, and the model is never asked
        StoryWriter.Outcome none = write(tokensAt40[3] + MAX_TOKENS - 1, recorder);
        StoryWriter.Outcome.Failed failed = assertInstanceOf(StoryWriter.Outcome.Failed.class, none);
        assertTrue(failed.reason().contains("does not fit") && failed.reason().contains("even with 3 posts cut to 40 characters"),
                failed.reason());
        assertTrue(recorder[0].conversations.isEmpty());
    }

    @Test
    void theStoryCopiesOnlyFromTheQuotedPostsAtTheOperatorsWeight() throws Exception {
        PromptTemplate template = Prompts.classpath().get(StoryWriter.PROMPT);
        int sixAt40;
        Path sizing = dir.resolve("sizing-copy.gguf");
        SyntheticModel.write(shape(4096), GgmlType.F32, null, 3, sizing);
        try (LocalBackend local = LocalBackend.open(sizing, LocalBackend.Options.defaults().withModelId("sizing"))) {
            sixAt40 = PromptSizer.of(local).tokens(render(template, posts(), 6, 40));
        }
        RecordingBackend[] recorder = new RecordingBackend[1];
        write(sixAt40 + MAX_TOKENS, recorder, CopyWeightSetting.inMemory(OptionalDouble.of(0.4)));
        assertEquals(0.4, recorder[0].copyWeights.getFirst(), 1e-9);
        // the six posts the prompt quotes (cut to 40 characters there), and no other, at the configured 200 characters
        List<String> expected = posts().subList(0, 6).stream().map(p -> CopySources.text(p.truncated(200))).toList();
        assertEquals(expected, recorder[0].copies.getFirst().texts());

        // the rule by model: a synthetic model without a model card writes without copying
        write(sixAt40 + MAX_TOKENS, recorder);
        assertNull(recorder[0].copies.getFirst());
    }
}
