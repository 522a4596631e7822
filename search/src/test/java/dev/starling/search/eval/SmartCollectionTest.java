package dev.starling.search.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.search.query.SearchMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmartCollectionTest {

    @Test
    void readsTheCisiLayout(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("T.ALL"), """
                .I 1
                .T
                Dewey Decimal Classification
                .A
                Comaromi, J.P.
                .W
                   A history of the classification.
                .X
                1	5	1
                .I 2
                .T
                Retrieval of titles
                .W
                Automatic retrieval.
                """);
        Files.writeString(dir.resolve("T.QRY"), ".I 1\n.W\nWhat about classification?\n.I 2\n.W\nunjudged\n");
        Files.writeString(dir.resolve("T.REL"), "     1     1\t0\t0.000000\n");
        SmartCollection c = SmartCollection.load(dir);
        assertEquals("Dewey Decimal Classification\nComaromi, J.P.\nA history of the classification.", c.documents().get(1L));
        assertEquals("Retrieval of titles\nAutomatic retrieval.", c.documents().get(2L));
        assertEquals(List.of(1L), c.judgedQueries());
        assertEquals(Set.of(1L), c.relevant().get(1L));
    }

    @Test
    void malformedFilesNameFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("T.ALL"), ".I one\n");
        Files.writeString(dir.resolve("T.QRY"), ".I 1\n");
        Files.writeString(dir.resolve("T.REL"), "1 x\n");
        IOException e = assertThrows(IOException.class, () -> SmartCollection.load(dir));
        assertTrue(e.getMessage().contains("T.ALL line 1"), e.getMessage());
        Files.writeString(dir.resolve("T.ALL"), ".I 1\n.W\ntext\n");
        e = assertThrows(IOException.class, () -> SmartCollection.load(dir));
        assertTrue(e.getMessage().contains("T.REL line 1"), e.getMessage());
    }

    @Test
    void metrics() {
        List<Long> ranked = List.of(3L, 1L, 7L, 2L);
        Set<Long> rel = Set.of(1L, 2L, 9L);
        assertEquals((1 / 2.0 + 2 / 4.0) / 3, RetrievalMetrics.averagePrecision(ranked, rel), 1e-12);
        assertEquals(2 / 3.0, RetrievalMetrics.recall(ranked, rel, 100), 1e-12);
        assertEquals(1 / 3.0, RetrievalMetrics.recall(ranked, rel, 2), 1e-12);
        double idcg = 1 + 1 / log2(3) + 1 / log2(4);
        assertEquals((1 / log2(3) + 1 / log2(5)) / idcg, RetrievalMetrics.ndcg(ranked, rel, 10), 1e-12);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Lexical retrieval on CISI (no embeddings: seconds) must beat a random ranking of the same documents by far. */
    @Test
    void lexicalOnCisiBeatsRandom() throws IOException {
        Path cisi = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "cisi");
        Assumptions.assumeTrue(Files.isDirectory(cisi), "CISI collection not found at " + cisi + "; skipping");
        SmartCollection c = SmartCollection.load(cisi);
        assertEquals(1460, c.documents().size());
        try (SearchEvaluation e = new SearchEvaluation(c, null, n -> { })) {
            SearchEvaluation.Row lexical = e.evaluate("lexical", e.ranker(SearchMode.TOP));
            List<Long> ids = List.copyOf(c.documents().keySet());
            Random r = new Random(42);
            SearchEvaluation.Row random = e.evaluate("random", (q, k) -> {
                List<Long> shuffled = new java.util.ArrayList<>(ids);
                java.util.Collections.shuffle(shuffled, r);
                return shuffled.subList(0, k);
            });
            System.out.println(SearchEvaluation.Row.header() + "\n" + lexical.format() + "\n" + random.format());
            assertEquals(76, lexical.queries());
            assertTrue(lexical.ndcg10() > 3 * random.ndcg10() && lexical.map() > 3 * random.map(), lexical + " vs " + random);
        }
    }
}
