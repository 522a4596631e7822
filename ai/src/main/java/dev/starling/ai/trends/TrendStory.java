package dev.starling.ai.trends;

import java.time.Instant;
import java.util.List;

/**
 * A trend story as the API shows it. {@code citedPostIds} are the public posts the text was written from, in the order
 * its {@code [n]} markers number them (only those still public; when fewer than three remain the text is withheld);
 * {@code postIds} are the story's current representative posts. Without generated text, {@code headline} and
 * {@code summary} are null and {@code reason} says why ({@code textState}: pending, no_model, failed, stale).
 */
public record TrendStory(long id, List<Item> items, double score, List<Long> postIds, String textState, String reason,
                         String headline, String summary, List<Long> citedPostIds, String modelId, String promptName,
                         String promptVersion, Instant generatedAt, Instant updatedAt, boolean hidden) {

    public TrendStory {
        items = List.copyOf(items);
        postIds = List.copyOf(postIds);
        citedPostIds = List.copyOf(citedPostIds);
    }

    /** One trending item of the story. */
    public record Item(TrendKind kind, String term, double score) {
    }

    /** Whether the story carries model-written text (always AI-generated when present). */
    public boolean generated() {
        return headline != null;
    }
}
