package dev.starling.llm.tokenizer.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 / Llama 3 / Qwen style) from a corpus of texts.
 *
 * <p>How: the corpus is cut at the caller's special tokens (never split, never merged), pre-tokenized by the same
 * regex the resulting {@link dev.starling.llm.tokenizer.ByteLevelBpeTokenizer} uses, and counted as distinct words of
 * UTF-8 bytes. The initial vocabulary is the 256 bytes (id = byte value, in GPT-2's byte-to-char form). Each step
 * merges the most frequent adjacent pair within words; pair counts are kept incrementally (only the words that
 * contain the merged pair are revisited) and the best pair comes from a priority queue with lazy re-validation, as
 * Hugging Face's BpeTrainer does, not by recounting the corpus per merge.
 *
 * <p>Deterministic: the result depends only on the corpus and the options (no randomness, no hash order). Ties
 * between pairs of equal count are broken by a fixed rule: the smaller left id first, then the smaller right id
 * (ids are bytes 0..255 by value, then merged tokens in the order they were learned).
 *
 * <p>Layout of the vocabulary: ids 0..255 the bytes, then learned tokens in merge order, then {@code [PAD<i>]}
 * unused tokens when the corpus ran out of pairs before the target size, then the special tokens (type CONTROL) in
 * the caller's order, so that the vocabulary always has exactly {@code vocabSize} tokens and the special ids do not
 * depend on the corpus.
 */
public final class BpeTrainer {

    /** The largest vocabulary this trainer builds. */
    public static final int MAX_VOCAB_SIZE = 1 << 20;
    /** The most corpus bytes one training reads (1 GiB). */
    public static final long MAX_CORPUS_BYTES = 1L << 30;
    /** The most special tokens, and the longest special text in chars. */
    public static final int MAX_SPECIALS = 1024;
    public static final int MAX_SPECIAL_CHARS = 256;

    /**
     * What to train.
     *
     * @param vocabSize      the total vocabulary size: 256 bytes + merges + specials (padded with unused tokens when
     *                       the corpus has too few pairs)
     * @param specialTokens  texts that become single CONTROL tokens and are never split (e.g. {@code <|endoftext|>},
     *                       {@code <|post|>}, chat markers); distinct, non-empty
     * @param preTokenization the pre-tokenizer regex and its GGUF name
     * @param maxCorpusBytes stop reading texts before the one that would pass this many UTF-8 bytes
     * @param minPairCount   stop merging when the best pair occurs fewer times than this (at least 1)
     * @param bosToken       the special that is BOS, or null
     * @param eosToken       the special that is EOS, or null
     * @param eotToken       the special that ends a chat turn, or null
     * @param addBos         whether prompts start with BOS by default (tokenizer.ggml.add_bos_token)
     */
    public record Options(int vocabSize, List<String> specialTokens, PreTokenization preTokenization,
                          long maxCorpusBytes, int minPairCount, String bosToken, String eosToken, String eotToken,
                          boolean addBos) {

        public Options {
            specialTokens = List.copyOf(specialTokens);
            Objects.requireNonNull(preTokenization, "preTokenization");
            if (specialTokens.size() > MAX_SPECIALS) {
                throw new IllegalArgumentException(specialTokens.size() + " special tokens; at most " + MAX_SPECIALS);
            }
            Set<String> seen = new HashSet<>();
            for (String s : specialTokens) {
                if (s.isEmpty() || s.length() > MAX_SPECIAL_CHARS) {
                    throw new IllegalArgumentException("special token '" + s + "' has " + s.length()
                            + " chars; expected 1.." + MAX_SPECIAL_CHARS);
                }
                if (!seen.add(s)) {
                    throw new IllegalArgumentException("special token '" + s + "' is given twice");
                }
                if (s.length() == 1 && s.charAt(0) < 0x80) {
                    throw new IllegalArgumentException("special token '" + s
                            + "' is a single ASCII char, which would shadow a byte token");
                }
            }
            int minimum = 256 + specialTokens.size();
            if (vocabSize < minimum || vocabSize > MAX_VOCAB_SIZE) {
                throw new IllegalArgumentException("vocabulary size " + vocabSize + " is outside " + minimum + ".."
                        + MAX_VOCAB_SIZE + " (256 bytes + " + specialTokens.size() + " special tokens at least)");
            }
            if (maxCorpusBytes < 0 || maxCorpusBytes > MAX_CORPUS_BYTES) {
                throw new IllegalArgumentException("corpus limit of " + maxCorpusBytes + " bytes is outside 0.."
                        + MAX_CORPUS_BYTES);
            }
            if (minPairCount < 1) {
                throw new IllegalArgumentException("minimum pair count " + minPairCount + " is below 1");
            }
            for (String named : new String[] {bosToken, eosToken, eotToken}) {
                if (named != null && !specialTokens.contains(named)) {
                    throw new IllegalArgumentException("'" + named + "' is named as bos/eos/eot but is not one of the"
                            + " special tokens " + specialTokens);
                }
            }
        }

        /**
         * Llama 3 pre-tokenization, merges down to pairs seen twice, 256 MiB of corpus, the given specials, EOS the
         * first special (when any), no BOS.
         */
        public static Options of(int vocabSize, List<String> specialTokens) {
            return new Options(vocabSize, specialTokens, PreTokenization.LLAMA3, 256L << 20, 2, null,
                    specialTokens.isEmpty() ? null : specialTokens.getFirst(), null, false);
        }

        public Options withPreTokenization(PreTokenization p) {
            return new Options(vocabSize, specialTokens, p, maxCorpusBytes, minPairCount, bosToken, eosToken,
                    eotToken, addBos);
        }

        public Options withMaxCorpusBytes(long bytes) {
            return new Options(vocabSize, specialTokens, preTokenization, bytes, minPairCount, bosToken, eosToken,
                    eotToken, addBos);
        }

        public Options withMinPairCount(int count) {
            return new Options(vocabSize, specialTokens, preTokenization, maxCorpusBytes, count, bosToken, eosToken,
                    eotToken, addBos);
        }

        public Options withSpecialRoles(String bos, String eos, String eot, boolean addBosByDefault) {
            return new Options(vocabSize, specialTokens, preTokenization, maxCorpusBytes, minPairCount, bos, eos, eot,
                    addBosByDefault);
        }
    }

    private record Candidate(long count, int left, int right) {
    }

    /** Highest count first; ties: smaller left id, then smaller right id. */
    private static final Comparator<Candidate> ORDER = Comparator.comparingLong(Candidate::count).reversed()
            .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);

    private BpeTrainer() {
    }

    /** Trains on a stream of texts (consumed once, up to the byte limit). */
    public static TrainedBpe train(Stream<? extends CharSequence> texts, Options options) {
        return train(texts.iterator(), options);
    }

    /** Trains on texts (iterated once, up to the byte limit). */
    public static TrainedBpe train(Iterable<? extends CharSequence> texts, Options options) {
        return train(texts.iterator(), options);
    }

    private static TrainedBpe train(Iterator<? extends CharSequence> texts, Options options) {
        long startNanos = System.nanoTime();
        CorpusWords corpus = new CorpusWords(options.preTokenization(), options.specialTokens());
        corpus.read(texts, options.maxCorpusBytes());

        // ---- tokens: the 256 bytes, then merges
        List<String> tokens = new ArrayList<>(options.vocabSize());
        Map<String, Integer> index = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String t = String.valueOf(ByteChars.charOf(b));
            tokens.add(t);
            index.put(t, b);
        }
        Set<String> specialForms = new HashSet<>(); // the specials spelled as byte-level strings
        for (String special : options.specialTokens()) {
            specialForms.add(ByteChars.encode(CorpusWords.utf8(special)));
        }

        // ---- words as symbol arrays with counts
        int wordCount = corpus.counts.size();
        int[][] words = new int[wordCount][];
        long[] weights = new long[wordCount];
        int w = 0;
        long totalSymbols = 0;
        for (var e : corpus.counts.entrySet()) {
            byte[] utf8 = CorpusWords.utf8(e.getKey());
            int[] symbols = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                symbols[i] = utf8[i] & 0xFF;
            }
            words[w] = symbols;
            weights[w] = e.getValue()[0];
            totalSymbols += symbols.length;
            w++;
        }
        corpus.counts.clear();

        PairTable pairs = new PairTable((int) Math.min(1 << 24, Math.max(16, totalSymbols / 4)));
        for (int i = 0; i < wordCount; i++) {
            int[] s = words[i];
            for (int j = 0; j + 1 < s.length; j++) {
                pairs.add(PairTable.key(s[j], s[j + 1]), weights[i], i);
            }
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(ORDER);
        int minCount = options.minPairCount();
        pairs.forEachPositive((key, count) -> {
            if (count >= minCount) {
                queue.add(new Candidate(count, PairTable.left(key), PairTable.right(key)));
            }
        });

        int tokenLimit = options.vocabSize() - options.specialTokens().size();
        List<String> merges = new ArrayList<>();
        Set<Long> touched = new LinkedHashSet<>();
        while (tokens.size() < tokenLimit && !queue.isEmpty()) {
            Candidate top = queue.poll();
            long key = PairTable.key(top.left(), top.right());
            long current = pairs.count(key);
            if (current != top.count()) {
                if (current >= minCount) {
                    queue.add(new Candidate(current, top.left(), top.right()));
                }
                continue; // stale: counts only fall for existing pairs, so re-queued entries stay upper bounds
            }
            String merged = tokens.get(top.left()) + tokens.get(top.right());
            if (specialForms.contains(merged)) {
                continue; // never build a token that spells a special token; the pair is dropped for good
            }
            Integer existing = index.get(merged);
            int id;
            if (existing != null) {
                id = existing; // the same string reached by another pair: one token, two merge rules
            } else {
                id = tokens.size();
                tokens.add(merged);
                index.put(merged, id);
            }
            merges.add(tokens.get(top.left()) + " " + tokens.get(top.right()));
            touched.clear();
            for (int wi : pairs.takeWords(key)) {
                mergeWord(words, weights, wi, top.left(), top.right(), id, pairs, touched);
            }
            for (long k : touched) {
                long c = pairs.count(k);
                if (c >= minCount) {
                    queue.add(new Candidate(c, PairTable.left(k), PairTable.right(k)));
                }
            }
        }
        int learned = tokens.size() - 256;

        // ---- padding, then specials
        int pads = 0;
        while (tokens.size() < tokenLimit) {
            String pad = "[PAD" + tokens.size() + "]";
            while (index.containsKey(pad)) {
                pad = pad + "_";
            }
            index.put(pad, tokens.size());
            tokens.add(pad);
            pads++;
        }
        tokens.addAll(options.specialTokens());
        long elapsedNanos = System.nanoTime() - startNanos;
        TrainedBpe.Stats stats = new TrainedBpe.Stats(corpus.textsUsed, corpus.bytesUsed, corpus.truncated,
                wordCount, merges.size(), learned, pads, elapsedNanos / 1_000_000);
        return new TrainedBpe(tokens.toArray(String[]::new), merges.toArray(String[]::new), options, stats);
    }

    /**
     * Merges every (left, right) in word wi, left to right without overlap, and moves the word's pair counts from the
     * old symbols to the new ones. Pairs containing the new id are recorded in touched (only they can have grown).
     */
    private static void mergeWord(int[][] words, long[] weights, int wi, int left, int right, int merged,
                                  PairTable pairs, Set<Long> touched) {
        int[] s = words[wi];
        int n = s.length;
        boolean found = false;
        for (int j = 0; j + 1 < n; j++) {
            if (s[j] == left && s[j + 1] == right) {
                found = true;
                break;
            }
        }
        if (!found) {
            return; // a stale entry of the word list
        }
        long weight = weights[wi];
        int[] out = new int[n];
        int m = 0;
        for (int j = 0; j < n; ) {
            if (j + 1 < n && s[j] == left && s[j + 1] == right) {
                out[m++] = merged;
                j += 2;
            } else {
                out[m++] = s[j++];
            }
        }
        for (int j = 0; j + 1 < n; j++) {
            pairs.add(PairTable.key(s[j], s[j + 1]), -weight);
        }
        for (int j = 0; j + 1 < m; j++) {
            long k = PairTable.key(out[j], out[j + 1]);
            if (out[j] == merged || out[j + 1] == merged) {
                pairs.add(k, weight, wi);
                touched.add(k);
            } else {
                pairs.add(k, weight);
            }
        }
        words[wi] = Arrays.copyOf(out, m);
    }
}
