package dev.starling.search.query;

import java.util.List;

/** The outcome of a search: hits, or what was wrong with the query. */
public sealed interface SearchResult {

    /** {@code total} counts visible matches (for SEMANTIC/HYBRID: the candidates fused); {@code postIds} is the page, in order. */
    record Hits(long total, List<Long> postIds) implements SearchResult {
    }

    record Invalid(String message) implements SearchResult {
    }
}
