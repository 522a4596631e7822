package dev.starling.search.query;

import dev.starling.search.query.SearchQuery.Kind;
import dev.starling.search.query.SearchQuery.Term;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses X-style search queries. Syntax, terms separated by white space:
 * <ul>
 *   <li>{@code word}, {@code "exact phrase"}, {@code #hashtag}, {@code @mention}, {@code $CASHTAG};</li>
 *   <li>{@code from:user}, {@code to:user} (replies to user), {@code since:YYYY-MM-DD} (inclusive),
 *       {@code until:YYYY-MM-DD} (exclusive), {@code lang:xx}, {@code has:links} (or {@code filter:links}),
 *       {@code filter:replies}, {@code min_faves:N}, {@code min_reposts:N} (also {@code min_retweets:N});</li>
 *   <li>{@code -term} excludes, {@code a OR b} matches either; all other terms must all match.</li>
 * </ul>
 * A word with a colon whose prefix is no operator ({@code http://x}, {@code 10:30}) is a word.
 * Limits: {@link #MAX_CHARS} characters, {@link #MAX_TERMS} terms. Problems come back as
 * {@link ParseResult.Invalid} naming the character where they are.
 */
public final class QueryParser {

    public static final int MAX_CHARS = 512;
    public static final int MAX_TERMS = 32;
    private static final Pattern NAME = Pattern.compile("@?[A-Za-z0-9_]{1,30}");
    private static final Pattern LANG = Pattern.compile("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?");

    private QueryParser() {
    }

    private record Token(String text, int offset, boolean quoted, boolean negated) {
    }

    public static ParseResult parse(String q) {
        if (q == null || q.isBlank()) {
            return new ParseResult.Invalid("the query is empty", 0);
        }
        if (q.length() > MAX_CHARS) {
            return new ParseResult.Invalid("the query is " + q.length() + " characters long; at most " + MAX_CHARS + " are allowed", MAX_CHARS);
        }
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            boolean negated = false;
            if (c == '-' && i + 1 < n && !Character.isWhitespace(q.charAt(i + 1))) {
                negated = true;
                i++;
            } else if (c == '-') {
                return new ParseResult.Invalid("'-' must be followed by the term to exclude", i);
            }
            if (q.charAt(i) == '"') {
                int close = q.indexOf('"', i + 1);
                if (close < 0) {
                    return new ParseResult.Invalid("the quote opened here is never closed", i);
                }
                String phrase = q.substring(i + 1, close).strip();
                if (phrase.isEmpty()) {
                    return new ParseResult.Invalid("the quoted phrase is empty", i);
                }
                tokens.add(new Token(phrase, start, true, negated));
                i = close + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(q.charAt(end)) && q.charAt(end) != '"') {
                    end++;
                }
                // operator:"quoted value"
                if (end < n && q.charAt(end) == '"' && end > i && q.charAt(end - 1) == ':') {
                    int close = q.indexOf('"', end + 1);
                    if (close < 0) {
                        return new ParseResult.Invalid("the quote opened here is never closed", end);
                    }
                    tokens.add(new Token(q.substring(i, end) + q.substring(end + 1, close), start, false, negated));
                    i = close + 1;
                    continue;
                }
                tokens.add(new Token(q.substring(i, end), start, false, negated));
                i = end;
            }
            if (tokens.size() > MAX_TERMS * 2) {
                break;
            }
        }
        List<List<Term>> groups = new ArrayList<>();
        int terms = 0;
        boolean pendingOr = false;
        int orOffset = 0;
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (!t.quoted() && !t.negated() && t.text().equals("OR")) {
                if (groups.isEmpty() || pendingOr) {
                    return new ParseResult.Invalid("OR needs a term before it", t.offset());
                }
                pendingOr = true;
                orOffset = t.offset();
                continue;
            }
            Object parsed = term(t);
            if (parsed instanceof ParseResult.Invalid inv) {
                return inv;
            }
            if (++terms > MAX_TERMS) {
                return new ParseResult.Invalid("the query has more than " + MAX_TERMS + " terms", t.offset());
            }
            Term term = (Term) parsed;
            if (pendingOr) {
                List<Term> last = new ArrayList<>(groups.getLast());
                last.add(term);
                groups.set(groups.size() - 1, last);
                pendingOr = false;
            } else {
                groups.add(List.of(term));
            }
        }
        if (pendingOr) {
            return new ParseResult.Invalid("OR needs a term after it", orOffset);
        }
        if (groups.isEmpty()) {
            return new ParseResult.Invalid("the query has no terms", 0);
        }
        return new ParseResult.Parsed(new SearchQuery(groups));
    }

    /** A Term or a ParseResult.Invalid. */
    private static Object term(Token t) {
        String s = t.text();
        boolean neg = t.negated();
        if (t.quoted()) {
            return new Term(Kind.PHRASE, s, 0, neg);
        }
        int colon = s.indexOf(':');
        if (colon > 0) {
            String key = s.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = s.substring(colon + 1);
            int valueOffset = t.offset() + (neg ? 1 : 0) + colon + 1;
            switch (key) {
                case "from", "to" -> {
                    if (!NAME.matcher(value).matches()) {
                        return new ParseResult.Invalid(key + ": needs a username (letters, digits, _), got '" + value + "'", valueOffset);
                    }
                    return new Term(key.equals("from") ? Kind.FROM : Kind.TO, strip(value, '@').toLowerCase(Locale.ROOT), 0, neg);
                }
                case "since", "until" -> {
                    try {
                        long day = LocalDate.parse(value).toEpochDay();
                        return new Term(key.equals("since") ? Kind.SINCE : Kind.UNTIL, value, day, neg);
                    } catch (DateTimeParseException e) {
                        return new ParseResult.Invalid(key + ": needs a date as YYYY-MM-DD, got '" + value + "'", valueOffset);
                    }
                }
                case "lang" -> {
                    if (!LANG.matcher(value).matches()) {
                        return new ParseResult.Invalid("lang: needs a language code such as en or pt-BR, got '" + value + "'", valueOffset);
                    }
                    return new Term(Kind.LANG, value.toLowerCase(Locale.ROOT), 0, neg);
                }
                case "has" -> {
                    if (!value.equalsIgnoreCase("links") && !value.equalsIgnoreCase("link")) {
                        return new ParseResult.Invalid("has: supports only links, got '" + value + "'", valueOffset);
                    }
                    return new Term(Kind.HAS_LINKS, "links", 0, neg);
                }
                case "filter" -> {
                    if (value.equalsIgnoreCase("replies")) {
                        return new Term(Kind.REPLIES, "replies", 0, neg);
                    }
                    if (value.equalsIgnoreCase("links")) {
                        return new Term(Kind.HAS_LINKS, "links", 0, neg);
                    }
                    return new ParseResult.Invalid("filter: supports replies and links, got '" + value + "'", valueOffset);
                }
                case "min_faves", "min_reposts", "min_retweets" -> {
                    long v;
                    try {
                        v = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        v = -1;
                    }
                    if (v < 0 || value.length() > 9) {
                        return new ParseResult.Invalid(key + ": needs a whole number from 0 to 999999999, got '" + value + "'", valueOffset);
                    }
                    return new Term(key.equals("min_faves") ? Kind.MIN_FAVES : Kind.MIN_REPOSTS, value, v, neg);
                }
                default -> {
                    // not an operator: a word such as http://example.org or 10:30
                }
            }
        }
        if (s.length() > 1 && s.charAt(0) == '#') {
            return new Term(Kind.HASHTAG, s.substring(1), 0, neg);
        }
        if (s.length() > 1 && s.charAt(0) == '@') {
            if (!NAME.matcher(s).matches()) {
                return new ParseResult.Invalid("a mention needs a username (letters, digits, _), got '" + s + "'", t.offset());
            }
            return new Term(Kind.MENTION, s.substring(1), 0, neg);
        }
        if (s.length() > 1 && s.charAt(0) == '$' && Character.isLetter(s.charAt(1))) {
            return new Term(Kind.CASHTAG, s.substring(1), 0, neg);
        }
        return new Term(Kind.WORD, s, 0, neg);
    }

    private static String strip(String v, char sigil) {
        return !v.isEmpty() && v.charAt(0) == sigil ? v.substring(1) : v;
    }
}
