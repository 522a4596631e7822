package dev.starling.ai.assistant;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.PromptRef;
import dev.starling.ai.prompts.PromptTemplate;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.social.posts.Post;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the prompt file {@code prompts/assistant.txt} for one mention: the thread and related posts as quoted,
 * delimited blocks (escaped by {@link dev.starling.ai.prompts.PromptText}), the mention last, the language to
 * write in and the length budget. Cuts related posts, then the oldest thread posts, until the prompt fits
 * a character budget ({@link AssistantConfig#maxPromptChars()}, less when the model's context is small).
 */
final class ReplyPrompt {

    static final String NAME = "assistant";
    /** The short variant, tried when {@link #NAME} does not fit a model's context even with its posts cut. */
    static final String COMPACT = "assistant-compact";

    /**
     * The messages for the model, which prompt made them, the ids of the posts it quotes, and the quoted thread and
     * related posts (not the mention itself: the reply may quote its evidence, never parrot the asker).
     */
    record Rendered(List<ChatMessage> messages, PromptRef prompt, List<Long> quotedPostIds, int chars, List<QuotedPost> evidence) {
    }

    private final Prompts prompts;
    private final AssistantConfig config;

    ReplyPrompt(Prompts prompts, AssistantConfig config) {
        this.prompts = prompts;
        this.config = config;
    }

    /** The prompt within {@code maxPromptChars} characters (the mention alone is always kept, cut to its quote size). */
    Rendered render(String handle, Post mention, GroundingRetriever.Grounding g, int maxReplyChars, int maxPromptChars) {
        return render(NAME, handle, mention, g, maxReplyChars, maxPromptChars, config.maxQuotedChars());
    }

    /**
     * The prompt file {@code name} within {@code maxPromptChars} characters, each quoted post cut to {@code quotedChars}
     * (the mention alone is always kept).
     */
    Rendered render(String name, String handle, Post mention, GroundingRetriever.Grounding g, int maxReplyChars, int maxPromptChars,
            int quotedChars) {
        PromptTemplate template = prompts.get(name);
        List<Post> thread = new ArrayList<>(g.thread());
        List<Post> related = new ArrayList<>(g.related());
        while (true) {
            Rendered r = renderOnce(template, handle, mention, thread, related, g, maxReplyChars, quotedChars);
            if (r.chars() <= maxPromptChars || (thread.isEmpty() && related.isEmpty())) {
                return r;
            }
            if (!related.isEmpty()) {
                related.removeLast();
            } else {
                thread.removeFirst();
            }
        }
    }

    /** Reads the prompt file {@code name}; throws {@link dev.starling.ai.prompts.PromptException} saying what is wrong. */
    void check(String name) {
        prompts.get(name);
    }

    private Rendered renderOnce(PromptTemplate template, String handle, Post mention, List<Post> thread, List<Post> related,
            GroundingRetriever.Grounding g, int maxReplyChars, int quotedChars) {
        int n = 1;
        List<Long> ids = new ArrayList<>();
        List<QuotedPost> threadQuotes = new ArrayList<>();
        for (Post p : thread) {
            threadQuotes.add(quote(n++, p, "thread", g, quotedChars));
            ids.add(p.id());
        }
        List<QuotedPost> relatedQuotes = new ArrayList<>();
        for (Post p : related) {
            relatedQuotes.add(quote(n++, p, "related", g, quotedChars));
            ids.add(p.id());
        }
        QuotedPost mentionQuote = quote(n, mention, "mention", g, quotedChars);
        ids.add(mention.id());
        String mentioner = g.handles().getOrDefault(mention.authorId(), "someone");
        PromptBindings b = PromptBindings.of()
                .trusted("handle", handle)
                .line("mentioner", mentioner)
                .trusted("language", languageName(mention.language()))
                .trusted("max_chars", Integer.toString(maxReplyChars))
                .posts("thread", threadQuotes)
                .posts("posts", relatedQuotes)
                .posts("mention", List.of(mentionQuote));
        List<ChatMessage> messages = template.render(b);
        int chars = 0;
        for (ChatMessage m : messages) {
            chars += m.content().length();
        }
        List<QuotedPost> evidence = new ArrayList<>(threadQuotes);
        evidence.addAll(relatedQuotes);
        return new Rendered(messages, template.ref(), ids, chars, List.copyOf(evidence));
    }

    private static QuotedPost quote(int n, Post p, String role, GroundingRetriever.Grounding g, int quotedChars) {
        String text = p.spoilerText() == null || p.spoilerText().isEmpty() ? p.text() : "[" + p.spoilerText() + "] " + p.text();
        return new QuotedPost(n, p.id(), g.handles().getOrDefault(p.authorId(), "unknown"), p.createdAt(), role, text)
                .truncated(quotedChars);
    }

    /** "French (fr)" for "fr"; "the language of the post" when the post has none. */
    static String languageName(String code) {
        if (code == null || code.isBlank()) {
            return "the language of the post you answer";
        }
        String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
        return name.isEmpty() || name.equalsIgnoreCase(code) ? "the language with code '" + code + "'" : name + " (" + code + ")";
    }
}
