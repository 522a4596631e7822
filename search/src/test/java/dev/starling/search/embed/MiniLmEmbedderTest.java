package dev.starling.search.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default embedder runs the bundled ONNX model on this machine and puts paraphrases close together. */
class MiniLmEmbedderTest {

    static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void unitVectorsOfTheStatedDimension() {
        float[] v = embedder.embed("hello world");
        assertEquals(MiniLmEmbedder.DIMENSION, v.length);
        assertEquals(1.0, dot(v, v), 1e-4);
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedText() {
        List<float[]> v = embedder.embedAll(List.of(
                "How do I cook pasta for dinner?",
                "Boiling spaghetti for tonight's meal",
                "The stock market fell sharply today"));
        double near = dot(v.get(0), v.get(1));
        double far = dot(v.get(0), v.get(2));
        assertTrue(near > far + 0.2, "paraphrase " + near + " vs unrelated " + far);
    }

    @Test
    void longTextIsChunkedAndAveraged() {
        String longText = "libraries catalogue books and journals for readers ".repeat(60);
        assertEquals(6, MiniLmEmbedder.chunks(longText).size()); // 420 words: 5 chunks of 80 and one of 20
        float[] v = embedder.embed(longText);
        assertEquals(1.0, dot(v, v), 1e-4);
        assertTrue(dot(v, embedder.embed("library catalogues")) > dot(v, embedder.embed("football match results")));
        assertEquals(1, MiniLmEmbedder.chunks("").size());
    }
}
