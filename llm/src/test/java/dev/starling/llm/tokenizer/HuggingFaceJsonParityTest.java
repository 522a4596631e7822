package dev.starling.llm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SentencePiece (Llama 2, Phi-3) and WordPiece (BERT bge) vocabularies of llama.cpp's GGUF files, written as the
 * tokenizer.json a Hugging Face conversion produces ({@link HuggingFaceTokenizerExporter}), then: (i) our
 * tokenizer.json loader gives llama.cpp's expected ids on every case of its test vectors; (ii) the Hugging Face
 * tokenizers library (Rust, through DJL) loads the same file and gives the same ids on the same cases and on real
 * tweets, a 200k-char document and seeded random Unicode; (iii) decode(encode(tweet)) gives the tweet back where the
 * tokenizer is lossless (SentencePiece), and the normalized words where it is not (uncased WordPiece), and our decode
 * equals Hugging Face's.
 *
 * <p>Where Hugging Face and llama.cpp disagree, the test says so and checks each side exactly: the Metaspace layout
 * (prepend_scheme "first") adds no ▁ to text that already starts with a space, where llama.cpp always adds one; and
 * HF's BERT pre-tokenization classifies characters by older Unicode tables (see
 * {@link #withOnlyLongAssignedCodePoints}).
 */
class HuggingFaceJsonParityTest {

    /** Variant name to (GGUF vocabulary, layout). */
    private static final Map<String, String[]> VARIANTS = Map.of(
            "llama-spm", new String[] {"llama-spm", "LEGACY"},
            "llama-spm-metaspace", new String[] {"llama-spm", "METASPACE"},
            "phi-3", new String[] {"phi-3", "LEGACY"},
            "phi-3-metaspace", new String[] {"phi-3", "METASPACE"},
            "bert-bge", new String[] {"bert-bge", "WORDPIECE"});

    private static final Map<String, String> HF_OPTIONS = Map.of("addSpecialTokens", "false", "truncation", "false",
            "padding", "false", "maxLength", String.valueOf(Integer.MAX_VALUE / 2));

    @TempDir
    static Path dir;
    private static final Map<String, Path> FILES = new ConcurrentHashMap<>();
    private static final Map<String, HuggingFaceTokenizer> HF = new ConcurrentHashMap<>();

    @BeforeAll
    static void checkData() {
        TokenizerTestData.dir();
    }

    @AfterAll
    static void close() {
        HF.values().forEach(HuggingFaceTokenizer::close);
    }

    /** The exported tokenizer.json of a variant (written once per run). */
    static Path json(String variant) {
        return FILES.computeIfAbsent(variant, v -> {
            String[] spec = VARIANTS.get(v);
            AbstractTokenizer gguf = (AbstractTokenizer) TokenizerTestData.tokenizer(spec[0]);
            String text = spec[1].equals("WORDPIECE")
                    ? HuggingFaceTokenizerExporter.wordPiece(gguf.vocabulary())
                    : HuggingFaceTokenizerExporter.sentencePiece(gguf.vocabulary(),
                    ((SentencePieceTokenizer) gguf).addsSpacePrefix(),
                    HuggingFaceTokenizerExporter.SpmLayout.valueOf(spec[1]));
            try {
                Path d = Files.createDirectories(dir.resolve(v));
                return Files.writeString(d.resolve("tokenizer.json"), text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static Tokenizer ours(String variant) throws IOException {
        return Tokenizers.fromHuggingFaceJson(json(variant));
    }

    static HuggingFaceTokenizer hf(String variant) {
        return HF.computeIfAbsent(variant, v -> {
            try {
                return HuggingFaceTokenizer.newInstance(json(v), HF_OPTIONS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static long[] hfIds(String variant, String text) {
        return hf(variant).encode(text, false, false).getIds();
    }

    static long[] asLongs(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-spm-metaspace", "phi-3", "phi-3-metaspace", "bert-bge"})
    void ourLoaderGivesLlamaCppIdsOnEveryCase(String variant) throws Exception {
        Tokenizer tok = ours(variant);
        Class<?> expectedClass = variant.startsWith("bert") ? WordPieceTokenizer.class
                : SentencePieceBpeTokenizer.class;
        assertInstanceOf(expectedClass, tok);
        List<TokenizerTestData.Case> cases = TokenizerTestData.cases(VARIANTS.get(variant)[0]);
        assertTrue(cases.size() >= 40, "expected the full vector file, got " + cases.size() + " cases");
        Tokenizer gguf = TokenizerTestData.tokenizer(VARIANTS.get(variant)[0]);
        boolean metaspace = variant.endsWith("-metaspace");
        Tokenizer noPrefix = gguf instanceof SentencePieceTokenizer spm
                ? Tokenizers.sentencePiece(spm.vocabulary(), false) : null;
        List<String> failures = new ArrayList<>();
        int leadingSpace = 0;
        for (TokenizerTestData.Case c : cases) {
            int[] got = tok.encode(c.text(), false, false);
            int[] expected = c.expected();
            if (metaspace && c.text().startsWith(" ")) {
                // Metaspace prepends ▁ only to text that does not start with one already, where SentencePiece (and
                // llama.cpp) always adds it: " Hello" is ▁Hello there, not ▁ ▁Hello. Hugging Face does the same
                // (see the other test); what it gives is SentencePiece's tokens without the added space prefix.
                expected = noPrefix.encode(c.text(), false, false);
                leadingSpace++;
            }
            if (!Arrays.equals(got, expected)) {
                failures.add("case " + c.index() + " " + TokenizerVectorsTest.escape(c.text()) + "\n   expected "
                        + Arrays.toString(c.expected()) + "\n   got      " + Arrays.toString(got));
            }
        }
        assertEquals(List.of(), failures, variant + ": " + failures.size() + " of " + cases.size() + " cases differ");
        assertTrue(!metaspace || leadingSpace >= 10, "expected the vectors to have cases with a leading space");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-spm-metaspace", "phi-3", "phi-3-metaspace", "bert-bge"})
    void huggingFaceGivesTheSameIdsOnEveryCase(String variant) throws Exception {
        List<TokenizerTestData.Case> cases = TokenizerTestData.cases(VARIANTS.get(variant)[0]);
        Tokenizer tok = ours(variant);
        List<String> failures = new ArrayList<>();
        for (TokenizerTestData.Case c : cases) {
            long[] theirs = hfIds(variant, c.text());
            long[] mine = asLongs(tok.encode(c.text(), false, false));
            if (!Arrays.equals(theirs, mine)) {
                failures.add("case " + c.index() + " " + TokenizerVectorsTest.escape(c.text()) + "\n   llama.cpp "
                        + Arrays.toString(c.expected()) + "\n   HF        " + Arrays.toString(theirs)
                        + "\n   ours      " + Arrays.toString(mine));
            }
        }
        assertEquals(List.of(), failures, variant + ": HF differs from ours on " + failures.size() + " of "
                + cases.size() + " cases");
    }

    /** The validation tweets of TweetEval's emoji, emotion, irony and sentiment sets (real text, emoji included). */
    static List<String> tweets() throws IOException {
        Path root = TokenizerTestData.dir().resolve("../tweeteval").normalize();
        List<String> out = new ArrayList<>();
        for (String set : List.of("emoji", "emotion", "irony", "sentiment")) {
            Path f = root.resolve(set).resolve("val_text.txt");
            assumeTrue(Files.isRegularFile(f), "TweetEval not found at " + f + "; skipping");
            out.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-spm-metaspace", "phi-3", "phi-3-metaspace", "bert-bge"})
    void tweetsGiveHuggingFaceIdsAndRoundTrip(String variant) throws Exception {
        List<String> tweets = tweets();
        Tokenizer tok = ours(variant);
        Tokenizer gguf = TokenizerTestData.tokenizer(VARIANTS.get(variant)[0]);
        boolean wordPiece = tok instanceof WordPieceTokenizer;
        List<String> failures = new ArrayList<>();
        int lossyChecked = 0;
        for (String t : tweets) {
            int[] mine = tok.encode(t, false, false);
            long[] theirs = hfIds(variant, t);
            if (!Arrays.equals(asLongs(mine), theirs) && failures.size() < 10) {
                failures.add("ids differ for " + TokenizerVectorsTest.escape(t) + "\n   HF   " + Arrays.toString(theirs)
                        + "\n   ours " + Arrays.toString(mine));
            }
            String back = tok.decode(mine);
            if (!wordPiece) {
                // SentencePiece with byte fallback is lossless: the text comes back, and as Hugging Face decodes it;
                // except that Metaspace adds no ▁ to text that starts with a space, so decode drops that space
                String expected = variant.endsWith("-metaspace") && t.startsWith(" ") ? t.substring(1) : t;
                if (!back.equals(expected) && failures.size() < 10) {
                    failures.add("round trip " + TokenizerVectorsTest.escape(t) + " -> "
                            + TokenizerVectorsTest.escape(back));
                }
                String hfBack = hf(variant).decode(theirs, false);
                if (!hfBack.equals(back) && failures.size() < 10) {
                    failures.add("HF decodes " + TokenizerVectorsTest.escape(t) + " as "
                            + TokenizerVectorsTest.escape(hfBack) + ", we as " + TokenizerVectorsTest.escape(back));
                }
                // and our tokenizer.json tokenizer agrees with the GGUF one on text that does not start with a space
                if (!t.startsWith(" ") && !Arrays.equals(mine, gguf.encode(t, false, false)) && failures.size() < 10) {
                    failures.add("tokenizer.json and GGUF tokenizers differ on " + TokenizerVectorsTest.escape(t));
                }
            } else if (Arrays.stream(mine).noneMatch(id -> id == unkId(tok))) {
                // uncased WordPiece is lossy (lowercase, accents, spacing): what comes back is the normalized words
                String words = String.join(" ", WordPieceTokenizer.words(WordPieceTokenizer.normalize(t)));
                lossyChecked++;
                if (!back.equals(words) && failures.size() < 10) {
                    failures.add("WordPiece decode " + TokenizerVectorsTest.escape(back) + " is not the words "
                            + TokenizerVectorsTest.escape(words));
                }
            }
        }
        assertEquals(List.of(), failures, variant + " on " + tweets.size() + " tweets");
        assertTrue(!wordPiece || lossyChecked > tweets.size() / 2, "only " + lossyChecked + " tweets without [UNK]");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "bert-bge"})
    void aLongDocumentGivesHuggingFaceIds(String variant) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String t : tweets()) {
            if (sb.length() > 200_000) {
                break;
            }
            sb.append(t).append('\n');
        }
        String text = sb.toString();
        int[] mine = ours(variant).encode(text, false, false);
        assertArrayEquals(hfIds(variant, text), asLongs(mine), variant + ": ids differ on a " + text.length()
                + "-char document");
        if (!variant.startsWith("bert")) {
            assertEquals(text, ours(variant).decode(mine));
        }
    }

    /**
     * Seeded random Unicode (every script range, whitespace of all kinds, any scalar value, special-token texts) gives
     * Hugging Face's ids. Hugging Face always splits added tokens out of text, so ours parses specials here.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-spm-metaspace", "phi-3", "phi-3-metaspace", "bert-bge"})
    void randomUnicodeGivesHuggingFaceIds(String variant) throws Exception {
        Tokenizer tok = ours(variant);
        long seed = RandomText.seed();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 300 && failures.size() < 5; i++) {
            String t = RandomText.next(rnd, 40);
            if (tok instanceof WordPieceTokenizer) {
                t = withOnlyLongAssignedCodePoints(t);
            }
            long[] theirs = hfIds(variant, t);
            int[] mine = tok.encode(t, false, true);
            if (!Arrays.equals(asLongs(mine), theirs)) {
                failures.add(TokenizerVectorsTest.escape(t) + " " + t.codePoints().mapToObj(Integer::toHexString)
                        .toList() + "\n   HF   " + Arrays.toString(theirs) + "\n   ours " + Arrays.toString(mine));
            }
        }
        assertEquals(List.of(), failures, variant + "; " + RandomText.seedText(seed));
    }

    /**
     * The string with every code point whose classification depends on the Unicode version replaced. Hugging Face's
     * BertNormalizer and BertPreTokenizer classify by old tables (the unicode_categories crate, Unicode 9-era), Java 25
     * (and llama.cpp) by current ones: U+061D ARABIC END OF TEXT MARK (Unicode 14) is punctuation for us, unknown to HF;
     * U+1734 became a nonspacing mark in Unicode 14 (stripped with the accents by us); new scripts in the
     * supplementary planes bring new marks and punctuation (U+11A07, U+10EFF, U+10F89 were found this way). So, for
     * the comparison to be about the algorithm and not the Unicode version: U+061D becomes '!', and code points outside
     * ASCII and outside the long-assigned blocks RandomText draws from (Latin-1, Latin Extended-A, combining marks,
     * Cyrillic, Arabic, Devanagari, Khmer, general punctuation, variation selectors, kana, CJK, Hangul, emoji)
     * become 'x'.
     */
    static String withOnlyLongAssignedCodePoints(String t) {
        int[][] old = {{0x80, 0x17F}, {0x300, 0x36F}, {0x400, 0x4FF}, {0x600, 0x6FF}, {0x900, 0x97F}, {0x1780, 0x17FF},
                {0x2000, 0x206F}, {0x3000, 0x30FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFE00, 0xFE0F},
                {0x1F300, 0x1FAFF}};
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(cp -> {
            boolean keep = cp < 0x80;
            for (int[] r : old) {
                keep |= cp >= r[0] && cp <= r[1];
            }
            sb.appendCodePoint(cp == 0x061D ? '!' : keep ? cp : 'x');
        });
        return sb.toString();
    }

    /**
     * Opt-in ({@code -Dstarling.bench=true}): encoding speed against Hugging Face tokenizers on the same file and the
     * same tweets, as tokens per CPU-second of the encoding thread (HF's encode runs in the calling thread) and per
     * wall second, with the load average beside them.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "phi-3-metaspace", "bert-bge"})
    void encodingSpeedAgainstHuggingFace(String variant) throws Exception {
        assumeTrue(Boolean.getBoolean("starling.bench"), "opt-in benchmark: run with -Dstarling.bench=true");
        List<String> tweets = tweets();
        Tokenizer tok = ours(variant);
        HuggingFaceTokenizer hf = hf(variant);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long[] oursCpu = new long[2];
        long[] hfCpu = new long[2];
        long tokens = 0;
        for (int pass = 0; pass < 4; pass++) { // pass 0 warms up
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            long n = 0;
            for (String t : tweets) {
                n += tok.encode(t, false, false).length;
            }
            long c1 = threads.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            for (String t : tweets) {
                hf.encode(t, false, false);
            }
            long c2 = threads.getCurrentThreadCpuTime();
            long w2 = System.nanoTime();
            if (pass > 0) {
                tokens += n;
                oursCpu[0] += c1 - c0;
                oursCpu[1] += w1 - w0;
                hfCpu[0] += c2 - c1;
                hfCpu[1] += w2 - w1;
            }
        }
        System.out.printf(java.util.Locale.ROOT, "%s: %d tweets x3, %d tokens; ours %.0f tok/CPU-s (%.0f tok/s wall),"
                        + " HF %.0f tok/CPU-s (%.0f tok/s wall); ours/HF %.2fx by CPU; load average %.1f%n", variant,
                tweets.size(), tokens, tokens / (oursCpu[0] / 1e9), tokens / (oursCpu[1] / 1e9),
                tokens / (hfCpu[0] / 1e9), tokens / (hfCpu[1] / 1e9), (double) hfCpu[0] / oursCpu[0], load);
    }

    private static int unkId(Tokenizer tok) {
        return ((AbstractTokenizer) tok).vocabulary().specials().unk();
    }
}
