package dev.starling.search.query;

import java.util.List;

/**
 * A parsed query: a conjunction of groups; each group is a disjunction (written with {@code OR})
 * of one or more terms. Produced by {@link QueryParser}.
 */
public record SearchQuery(List<List<Term>> groups) {

    public SearchQuery {
        groups = groups.stream().map(List::copyOf).toList();
    }

    /** What a term is. */
    public enum Kind {
        WORD, PHRASE, HASHTAG, MENTION, CASHTAG, FROM, TO, SINCE, UNTIL, LANG, HAS_LINKS, REPLIES, MIN_FAVES, MIN_REPOSTS
    }

    /**
     * One term. {@code value} is the word, phrase, tag/name without sigil, language code, or the
     * number (days since the epoch for SINCE/UNTIL, UTC).
     */
    public record Term(Kind kind, String value, long number, boolean negated) {
        public boolean isText() {
            return kind == Kind.WORD || kind == Kind.PHRASE || kind == Kind.HASHTAG || kind == Kind.MENTION || kind == Kind.CASHTAG;
        }
    }

    /** The positive free text (words, phrases, entities), for semantic retrieval; may be empty. */
    public String positiveText() {
        StringBuilder sb = new StringBuilder();
        for (List<Term> g : groups) {
            for (Term t : g) {
                if (t.isText() && !t.negated()) {
                    if (!sb.isEmpty()) {
                        sb.append(' ');
                    }
                    sb.append(switch (t.kind()) {
                        case HASHTAG -> "#" + t.value();
                        case MENTION -> "@" + t.value();
                        case CASHTAG -> "$" + t.value();
                        default -> t.value();
                    });
                }
            }
        }
        return sb.toString();
    }
}
