package dev.starling.social.imports;

import java.util.List;

/**
 * What an import did: items read from the file, posts created, items already imported before
 * (idempotence), items skipped (reposts, direct messages, invalid text) with the first reasons.
 */
public record ImportResult(String source, long read, long imported, long alreadyImported, long skipped, List<String> skipReasons) {

    public ImportResult {
        skipReasons = List.copyOf(skipReasons);
    }
}
