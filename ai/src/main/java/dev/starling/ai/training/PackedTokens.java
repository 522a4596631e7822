package dev.starling.ai.training;

import dev.starling.llm.tokenizer.Tokenizer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The training and validation splits as packed token streams: each post becomes
 * {@code <|post|> tokens <|endoftext|>}, one after the other, as GPT-2 packs documents.
 *
 * @param train      // [trainTokens]
 * @param validation // [validationTokens]
 */
public record PackedTokens(int[] train, int[] validation) {

    /** Tokenizes every post (in parallel, the order kept, so the result is the same on any machine). */
    public static PackedTokens pack(CorpusSnapshot corpus, Tokenizer tokenizer, BooleanSupplier cancelled) {
        int post = special(tokenizer, SpecialTokens.POST);
        int end = special(tokenizer, SpecialTokens.END_OF_TEXT);
        return new PackedTokens(pack(corpus.train(), tokenizer, post, end, cancelled),
                pack(corpus.validation(), tokenizer, post, end, cancelled));
    }

    private static int[] pack(List<String> posts, Tokenizer tokenizer, int post, int end, BooleanSupplier cancelled) {
        int[][] encoded = IntStream.range(0, posts.size()).parallel().mapToObj(i -> {
            if ((i & 1023) == 0 && cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled while tokenizing");
            }
            return tokenizer.encode(posts.get(i), false, false);
        }).toArray(int[][]::new);
        long total = 0;
        for (int[] e : encoded) {
            total += e.length + 2;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the corpus is " + total + " tokens, more than one stream holds ("
                    + (Integer.MAX_VALUE - 16) + ")");
        }
        int[] out = new int[(int) total];
        int at = 0;
        for (int[] e : encoded) {
            out[at++] = post;
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
            out[at++] = end;
        }
        return out;
    }

    private static int special(Tokenizer t, String text) {
        return t.specialId(text).orElseThrow(() -> new IllegalArgumentException("the tokenizer has no " + text + " token"));
    }
}
