package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.starling.llm.train.LossModel;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Which targets of an example row are trained on: the answers of the examples in the window, nothing of a prompt. */
class GroundedMixTest {

    private static final int IM = 1;
    private static final int EOT = 2;
    private static final int NL = 3;
    private static final int X = LossModel.IGNORE;

    private static GroundedMix.Markers markers() {
        BitSet nl = new BitSet();
        nl.set(NL);
        return new GroundedMix.Markers(IM, EOT, nl);
    }

    /** system, user, assistant header, then the answer tokens and the end of the example. */
    private static int[] example(int... answer) {
        int[] head = {IM, 10, NL, 11, IM, 12, NL, 13, 14, IM, 15, NL};
        int[] out = java.util.Arrays.copyOf(head, head.length + answer.length + 1);
        System.arraycopy(answer, 0, out, head.length, answer.length);
        out[out.length - 1] = EOT;
        return out;
    }

    private static int[] concat(int[]... parts) {
        return java.util.stream.Stream.of(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static int[] kept(int[] stream, int at, int seq) {
        int[] targets = new int[seq];
        System.arraycopy(stream, at + 1, targets, 0, seq);
        GroundedMix.keepAnswerOnly(stream, at, seq, markers(), targets, 0);
        return targets;
    }

    @Test
    void aWindowKeepsTheAnswerOfEveryExampleThatEndsInItAndNoPromptToken() {
        int[] a = example(20, 21);
        int[] b = example(22);
        int[] stream = concat(a, b, example(23, 24, 25));
        // the window holds a and b whole and the head of the third example (cut inside its prompt)
        int seq = a.length + b.length + 4;
        int[] expected = new int[seq];
        java.util.Arrays.fill(expected, X);
        // target j is stream[j + 1]: a's answer 20 21 EOT at stream 12..14, b's 22 EOT at 15+12 .. 15+13
        expected[11] = 20;
        expected[12] = 21;
        expected[13] = EOT;
        expected[a.length + 11] = 22;
        expected[a.length + 12] = EOT;
        assertArrayEquals(expected, kept(stream, 0, seq));
    }

    @Test
    void anAnswerCutByTheWindowIsKeptToTheWindowsEndAndATailOfAnEarlierExampleIsNot() {
        int[] a = example(20, 21, 22, 23);
        int[] stream = concat(a, example(24));
        int[] expected = new int[13];
        java.util.Arrays.fill(expected, X);
        expected[11] = 20;
        expected[12] = 21;
        assertArrayEquals(expected, kept(stream, 0, 13), "a's answer up to the window's end");
        // a window that starts inside a (a clamped start): nothing of a, the next example whole
        int at = 5;
        int seq = a.length - at + 13;
        int[] tail = new int[seq];
        java.util.Arrays.fill(tail, X);
        tail[a.length - at + 11] = 24;
        tail[a.length - at + 12] = EOT;
        assertArrayEquals(tail, kept(stream, at, seq));
    }
}
