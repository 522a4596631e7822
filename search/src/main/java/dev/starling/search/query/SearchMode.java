package dev.starling.search.query;

/** How results are ordered. */
public enum SearchMode {
    /** Newest first (X's "Latest"). */
    LATEST,
    /** BM25 combined with engagement and recency ({@link TopSignals}; X's "Top"). */
    TOP,
    /** Nearest neighbours of the query's embedding (needs an embedder). */
    SEMANTIC,
    /** Top and semantic results fused by reciprocal rank fusion (needs an embedder, else Top). */
    HYBRID
}
