package dev.starling.search.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.search.query.SearchQuery.Kind;
import dev.starling.search.query.SearchQuery.Term;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QueryParserTest {

    private static SearchQuery ok(String q) {
        ParseResult r = QueryParser.parse(q);
        return assertInstanceOf(ParseResult.Parsed.class, r, () -> "expected a query for " + q + ": " + r).query();
    }

    @Test
    void everyOperator() {
        SearchQuery q = ok("coffee \"flat white\" #Java @Alice $AAPL from:@Bob to:carol since:2024-01-02 until:2024-02-01 lang:pt-BR has:links "
                + "-filter:replies min_faves:10 min_retweets:3 -tea");
        List<Term> t = q.groups().stream().map(List::getFirst).toList();
        assertEquals(List.of(Kind.WORD, Kind.PHRASE, Kind.HASHTAG, Kind.MENTION, Kind.CASHTAG, Kind.FROM, Kind.TO, Kind.SINCE, Kind.UNTIL,
                Kind.LANG, Kind.HAS_LINKS, Kind.REPLIES, Kind.MIN_FAVES, Kind.MIN_REPOSTS, Kind.WORD), t.stream().map(Term::kind).toList());
        assertEquals("flat white", t.get(1).value());
        assertEquals("bob", t.get(5).value());
        assertEquals(LocalDate.of(2024, 1, 2).toEpochDay(), t.get(7).number());
        assertEquals("pt-br", t.get(9).value());
        assertTrue(t.get(11).negated());
        assertEquals(10, t.get(12).number());
        assertTrue(t.get(14).negated());
        assertEquals("coffee flat white #Java @Alice $AAPL", q.positiveText());
    }

    @Test
    void orJoinsNeighbours() {
        SearchQuery q = ok("a b OR c OR from:d e");
        assertEquals(3, q.groups().size());
        assertEquals(3, q.groups().get(1).size());
        assertEquals(Kind.FROM, q.groups().get(1).get(2).kind());
    }

    @Test
    void wordsWithColonsThatAreNoOperators() {
        SearchQuery q = ok("https://example.org 10:30 foo:bar");
        assertTrue(q.groups().stream().allMatch(g -> g.getFirst().kind() == Kind.WORD));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``|the query is empty|0",
            "`\"open phrase`|never closed|0",
            "`a \"\"`|phrase is empty|2",
            "`OR a`|OR needs a term before it|0",
            "`a OR`|OR needs a term after it|2",
            "`a OR OR b`|OR needs a term before it|5",
            "`x since:2024-13-01`|since: needs a date as YYYY-MM-DD, got '2024-13-01'|8",
            "`until:yesterday`|until: needs a date|6",
            "`min_faves:-3`|min_faves: needs a whole number|10",
            "`min_faves:lots`|got 'lots'|10",
            "`from:`|from: needs a username|5",
            "`from:a.b`|from: needs a username|5",
            "`has:media`|has: supports only links|4",
            "`filter:images`|filter: supports replies and links|7",
            "`lang:english1`|lang: needs a language code|5",
            "`a - b`|'-' must be followed|2",
    })
    void malformedQueriesSayWhatAndWhere(String q, String message, int offset) {
        ParseResult r = QueryParser.parse(q);
        ParseResult.Invalid inv = assertInstanceOf(ParseResult.Invalid.class, r, () -> q + " -> " + r);
        assertTrue(inv.message().contains(message), inv.message());
        assertEquals(offset, inv.offset(), inv.toString());
    }

    @Test
    void limits() {
        assertInstanceOf(ParseResult.Invalid.class, QueryParser.parse("a".repeat(QueryParser.MAX_CHARS + 1)));
        assertInstanceOf(ParseResult.Invalid.class, QueryParser.parse("w ".repeat(QueryParser.MAX_TERMS + 1)));
        ok("w ".repeat(QueryParser.MAX_TERMS));
    }
}
