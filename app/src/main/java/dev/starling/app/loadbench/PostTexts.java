package dev.starling.app.loadbench;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic post texts for the benchmark, written for the project (no third-party text): 4..24
 * words from a small vocabulary and, sometimes, one hashtag. Every text is plain ASCII, at most
 * {@value #MAX_CHARS} characters, so it is always a valid post (weighted length below 280).
 */
final class PostTexts {
    static final int MAX_CHARS = 200;

    static final List<String> TAGS = List.of("java", "postgres", "coffee", "running", "music", "books", "photography", "garden",
            "cycling", "cooking", "climate", "jazz", "chess", "hiking", "art", "science", "space", "cats", "dogs", "football",
            "travel", "design", "linux", "opensource", "rust", "python", "weekend", "monday", "rain", "sunset");

    private static final String[] WORDS = ("the a an and or but so then today tomorrow yesterday morning evening night week "
            + "city street park river bridge train bus bike road station market cafe bakery library garden kitchen window "
            + "friend neighbour teacher student colleague family team crowd stranger artist writer "
            + "coffee tea bread soup cake apple rain snow wind sun cloud storm light shadow music song album concert "
            + "book story page letter photo picture map plan idea question answer problem reason moment detail "
            + "walked cooked read wrote found lost built fixed painted played watched heard noticed shared tried started "
            + "finished learned missed loved liked wanted needed opened closed carried "
            + "quiet loud bright dark warm cold early late small big old new green blue slow fast strange simple lovely "
            + "really almost finally again still never always maybe just very quite rather here there outside inside "
            + "with without about after before during under over near far from into through").split(" ");

    private PostTexts() {
    }

    /** One text; {@code hashtag} when not null is appended as {@code #tag}. */
    static String text(SplittableRandom random, String hashtag) {
        int words = 4 + random.nextInt(21);
        StringBuilder sb = new StringBuilder(160);
        for (int i = 0; i < words; i++) {
            String w = WORDS[random.nextInt(WORDS.length)];
            if (sb.length() + w.length() + 1 > MAX_CHARS - 24) {
                break;
            }
            if (i > 0) {
                sb.append(' ');
            } else {
                w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            }
            sb.append(w);
        }
        sb.append(random.nextInt(8) == 0 ? '!' : '.');
        if (hashtag != null) {
            sb.append(" #").append(hashtag);
        }
        return sb.toString();
    }

    /** A text with a hashtag one time in ten. */
    static String text(SplittableRandom random) {
        return text(random, random.nextInt(10) == 0 ? TAGS.get(random.nextInt(TAGS.size())) : null);
    }
}
