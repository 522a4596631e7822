package dev.starling.social.imports;

/** Progress of an import, called after each batch: items processed so far of {@code total}. */
@FunctionalInterface
public interface ImportProgress {

    void progress(long processed, long total, long imported, long skipped);

    ImportProgress NONE = (p, t, i, s) -> { };
}
