package dev.starling.ai.training;

import dev.starling.llm.train.LossModel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How the grounded-answer examples ({@link GroundedExamples}) are mixed into a run's training stream, which is the
 * plain posts ({@code plainTokens} tokens) followed by the examples, each {@code <|im_start|>...<|im_end|>\n<|endoftext|>}.
 * Micro-batches before {@code fromBatch} are plain posts only (the model first learns the language); from then on each
 * row is, with probability {@code rowShare}, a window starting at a random example (so it sees the whole prompt and
 * answer), else a plain window. In an example row only the answers are trained on (their text, {@code <|im_end|>},
 * the newline and {@code <|endoftext|>}: of the example the row starts at and of each following example whose prompt
 * is in the window); every prompt token gets the target {@link LossModel#IGNORE}, so the model learns to answer from
 * the quoted posts, not to write prompts.
 *
 * @param examples        examples in the stream
 * @param askExamples     of which Ask
 * @param explainExamples of which Explain
 * @param plainTokens     train tokens before the first example
 * @param exampleTokens   train tokens of the examples
 * @param fromBatch       the first micro-batch index that may draw examples
 * @param rowShare        chance that a row of a mixing micro-batch is an example
 * @param tokenShare      the share of all training rows meant to be examples (rowShare over the mixing part of the run)
 */
public record GroundedMix(int examples, int askExamples, int explainExamples, long plainTokens, long exampleTokens,
        long fromBatch, double rowShare, double tokenShare) {

    /** Micro-batches of the first part of a run (this share of it) draw plain posts only. */
    public static final double PLAIN_FIRST = 0.25;
    /** How the examples were made, for the model card. */
    public static final String METHOD = "for a training post p: a topic word of p (a hashtag first) asked about, 2-5"
            + " other training posts with that word as distractors, shuffled with p and rendered with the ask-compact /"
            + " explain-compact prompts and the ChatML template, half of the questions naming a word only p has; the"
            + " answer copies the key clause (4-14 words) of the quoted post sharing most question words, lowest number on"
            + " a tie, with its [n] marker (Explain: 1-3 such points); loss on the answer tokens only (prompts are"
            + " masked; a row keeps the answers of every example whose prompt it holds)";

    public static GroundedMix none() {
        return new GroundedMix(0, 0, 0, 0, 0, Long.MAX_VALUE, 0, 0);
    }

    public boolean active() {
        return examples > 0 && rowShare > 0;
    }

    /** Example rows chance once mixing began, for an overall share {@code tokenShare}: capped at 0.9. */
    public static double rowShareFor(double tokenShare) {
        return Math.min(0.9, tokenShare / (1 - PLAIN_FIRST));
    }

    /** Where each example starts in the stream: an {@code imStart} token at or after plainTokens following an EOT. */
    public int[] exampleStarts(int[] stream, int imStart, int endOfText) {
        List<Integer> out = new ArrayList<>();
        for (int i = (int) plainTokens; i < stream.length; i++) {
            if (stream[i] == imStart && (i == plainTokens || stream[i - 1] == endOfText)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The tokens that delimit an example's answer: the last {@code <|im_start|>} of an example opens the assistant
     * turn, whose header ends at the first token holding a newline; the example ends at {@code <|endoftext|>}.
     *
     * @param newline token ids whose text holds a newline (byte-level {@code Ċ})
     */
    public record Markers(int imStart, int endOfText, BitSet newline) {

        /** From a byte-level BPE vocabulary (token texts as stored in the GGUF). */
        public static Markers of(String[] vocabulary) {
            BitSet nl = new BitSet(vocabulary.length);
            for (int i = 0; i < vocabulary.length; i++) {
                if (vocabulary[i].indexOf('\u010A') >= 0) {
                    nl.set(i);
                }
            }
            return new Markers(SpecialTokens.indexOf(vocabulary, SpecialTokens.IM_START),
                    SpecialTokens.indexOf(vocabulary, SpecialTokens.END_OF_TEXT), nl);
        }
    }

    /**
     * Fills micro-batch {@code index} ([batch·seq] tokens and targets), deterministic for (seed, index) as
     * {@link Batches#fill}, which it equals exactly when the mix is not active; before {@code fromBatch} every row is a
     * window of the plain posts (before, a window could fall anywhere in the stream, most of which is examples, and so
     * train on their prompts). Example rows train on answers only.
     */
    void fill(int[] stream, int[] starts, Markers markers, long seed, long index, int batch, int seq, int[] tokens,
            int[] targets) {
        if (!active() || starts.length == 0 || plainTokens < seq + 1) {
            Batches.fill(stream, seed, index, batch, seq, tokens, targets);
            return;
        }
        if (index < fromBatch) { // plain posts only: no window may fall into the examples (their prompts are not trained on)
            Batches.fill(stream, (int) plainTokens, seed, index, batch, seq, tokens, targets);
            return;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (index + 0x632BE59BD9B4E019L));
        int plainBound = (int) plainTokens - seq;
        int lastStart = stream.length - seq - 1;
        for (int row = 0; row < batch; row++) {
            int at;
            boolean example = rnd.nextDouble() < rowShare;
            if (example) {
                at = Math.min(starts[rnd.nextInt(starts.length)], lastStart);
            } else {
                at = rnd.nextInt(plainBound);
            }
            System.arraycopy(stream, at, tokens, row * seq, seq);
            System.arraycopy(stream, at + 1, targets, row * seq, seq);
            if (example) {
                keepAnswerOnly(stream, at, seq, markers, targets, row * seq);
            }
        }
    }

    /**
     * Sets every target of the window at {@code at} to {@link LossModel#IGNORE} except the answers of the examples in
     * it: the example the window starts at and each later one that ends in the window (examples are packed one after
     * another, as plain posts are; a window of 512 tokens often holds two).
     * An answer is kept from the token after its assistant header to its {@code <|endoftext|>}, or to the window's end.
     */
    static void keepAnswerOnly(int[] stream, int at, int seq, Markers m, int[] targets, int offset) {
        int limit = Math.min(stream.length, at + seq + 1); // stream positions at+1 .. limit-1 are the window's targets
        java.util.Arrays.fill(targets, offset, offset + seq, LossModel.IGNORE);
        int segment = at;
        while (segment < limit) {
            int end = -1; // this example's <|endoftext|>, if it is in the window
            for (int q = segment; q < limit; q++) {
                if (stream[q] == m.endOfText()) {
                    end = q;
                    break;
                }
            }
            int segmentLimit = end < 0 ? limit : end;
            // the example the window starts at (fitted to the context: its assistant header is in the window), and each
            // later one that ends in the window (one cut off may end inside its prompt: no answer of it to keep)
            if (stream[segment] == m.imStart() && (segment == at || end >= 0)) {
                int lastImStart = -1;
                for (int q = segment; q < segmentLimit; q++) {
                    if (stream[q] == m.imStart()) {
                        lastImStart = q;
                    }
                }
                int answer = Integer.MAX_VALUE; // the first answer token; none when the header is cut off
                for (int q = lastImStart + 1; q < segmentLimit; q++) {
                    if (m.newline().get(stream[q])) {
                        answer = q + 1;
                        break;
                    }
                }
                int last = end < 0 ? limit - 1 : end;
                for (int q = Math.max(answer, at + 1); q <= last && q < limit; q++) {
                    targets[offset + q - at - 1] = stream[q];
                }
            }
            if (end < 0) {
                break;
            }
            segment = end + 1;
        }
    }

    /** One line for logs and the model card. */
    public String describe() {
        if (!active()) {
            return "none";
        }
        return String.format(java.util.Locale.ROOT, "%d examples (%d Ask, %d Explain), %d tokens; %.0f%% of the rows from"
                + " micro-batch %d on (%.0f%% of the run's rows)", examples, askExamples, explainExamples, exampleTokens,
                rowShare * 100, fromBatch, tokenShare * 100);
    }
}
