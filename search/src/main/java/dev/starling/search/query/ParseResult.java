package dev.starling.search.query;

/** The outcome of parsing a query string: a query, or what was wrong and where (0-based char offset). */
public sealed interface ParseResult {

    record Parsed(SearchQuery query) implements ParseResult {
    }

    record Invalid(String message, int offset) implements ParseResult {
        @Override
        public String toString() {
            return message + " (at character " + (offset + 1) + ")";
        }
    }
}
