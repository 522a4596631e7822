package dev.starling.social.common;

import java.util.List;

/**
 * One page of results, newest first, with the cursors a Mastodon {@code Link} header needs:
 * {@code next} = {@code max_id=nextMaxId} (older items), {@code prev} = {@code min_id=prevMinId}
 * (newer items). Cursors are null when the page is empty. The cursor ids are the ids of the
 * paginated rows (post ids for timelines, favourite/follow/notification row ids for those lists),
 * which for favourites, bookmarks and follower lists differ from the item ids, as in Mastodon.
 */
public record Slice<T>(List<T> items, Long nextMaxId, Long prevMinId) {

    public Slice {
        items = List.copyOf(items);
    }

    public static <T> Slice<T> empty() {
        return new Slice<>(List.of(), null, null);
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
