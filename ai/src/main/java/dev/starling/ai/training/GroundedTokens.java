package dev.starling.ai.training;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.llm.tokenizer.Tokenizer;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The training stream with grounded-answer examples appended: the plain posts, then each example as its chat
 * ({@code <|im_start|>system ... <|im_start|>assistant\n answer <|im_end|>\n}) and {@code <|endoftext|>}.
 *
 * @param tokens        the packed streams (validation untouched: plain held-out posts only)
 * @param starts        where each example starts in {@code tokens.train()}
 * @param plainTokens   train tokens before the first example
 * @param ask           Ask examples
 * @param explain       Explain examples
 */
record GroundedTokens(PackedTokens tokens, int[] starts, long plainTokens, int ask, int explain) {

    static GroundedTokens none(PackedTokens plain) {
        return new GroundedTokens(plain, new int[0], plain.train().length, 0, 0);
    }

    /** The ChatML text of a prompt with the generation prompt, as {@code ai.chat.ChatTemplate.CHATML} renders it. */
    static String chatml(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(SpecialTokens.IM_START).append(m.role()).append('\n').append(m.content()).append(SpecialTokens.IM_END)
                    .append('\n');
        }
        return sb.append(SpecialTokens.IM_START).append("assistant\n").toString();
    }

    /** The completion a served model should produce for an example: the answer and the end of its turn. */
    static String completion(String answer) {
        return answer + SpecialTokens.IM_END + "\n";
    }

    /** Builds up to {@code count} examples fitted to a context of {@code seq} tokens and appends them to the stream. */
    static GroundedTokens make(GroundedExamples grounded, int count, double explainShare, long seed, Tokenizer tokenizer,
            int seq, PackedTokens plain) {
        GroundedExamples.Fit fit = new GroundedExamples.Fit(m -> tokenizer.encode(chatml(m), false, true).length,
                a -> tokenizer.encode(completion(a), false, true).length + 1, seq);
        List<GroundedExamples.Example> examples = grounded.build(count, explainShare, seed, fit);
        int eot = tokenizer.specialId(SpecialTokens.END_OF_TEXT).orElseThrow();
        int[][] encoded = IntStream.range(0, examples.size()).parallel().mapToObj(i -> {
            GroundedExamples.Example e = examples.get(i);
            return tokenizer.encode(chatml(e.prompt()) + completion(e.answer()), false, true);
        }).toArray(int[][]::new);
        long total = plain.train().length;
        for (int[] e : encoded) {
            total += e.length + 1;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the corpus and its grounded examples are " + total + " tokens, more than"
                    + " one stream holds");
        }
        int[] train = java.util.Arrays.copyOf(plain.train(), (int) total);
        int[] starts = new int[encoded.length];
        int at = plain.train().length;
        int ask = 0;
        for (int i = 0; i < encoded.length; i++) {
            starts[i] = at;
            System.arraycopy(encoded[i], 0, train, at, encoded[i].length);
            at += encoded[i].length;
            train[at++] = eot;
            if (examples.get(i).kind() == GroundedExamples.Kind.ASK) {
                ask++;
            }
        }
        return new GroundedTokens(new PackedTokens(train, plain.validation()), starts, plain.train().length, ask,
                examples.size() - ask);
    }

    GroundedMix mix(double tokenShare, long fromBatch) {
        if (starts.length == 0 || tokenShare <= 0) {
            return GroundedMix.none();
        }
        return new GroundedMix(starts.length, ask, explain, plainTokens, tokens.train().length - plainTokens, fromBatch,
                GroundedMix.rowShareFor(tokenShare), tokenShare);
    }
}
