package dev.starling.social.imports;

import dev.starling.social.posts.PostVisibility;
import java.time.Instant;

/** One post parsed from an archive, before import. {@code skipReason} non-null means it will be skipped. */
record ArchiveItem(String sourceId, String text, Instant createdAt, String inReplyToSourceId, PostVisibility visibility,
                   String spoilerText, String language, boolean sensitive, String skipReason) {
}
