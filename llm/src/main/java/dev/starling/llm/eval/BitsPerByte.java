package dev.starling.llm.eval;

import java.util.Locale;

/**
 * One line of a language-model evaluation: the total information a model assigns to a held-out text, divided by the
 * text's UTF-8 bytes, so models with different tokenizers (or none) compare directly.
 *
 * @param name     what was evaluated, e.g. "model tiny.gguf" or "5-gram Kneser-Ney over bytes"
 * @param bits     sum of -log2 P over the scored symbols
 * @param bytes    the held-out text's bytes (see {@link HeldOutText#bytes()})
 * @param symbols  symbols scored (tokens or bytes)
 * @param unit     "tokens" or "bytes"
 * @param millis   wall time of the evaluation
 * @param detail   extra facts for the line (window and stride, n-gram counts), may be empty
 */
public record BitsPerByte(String name, double bits, long bytes, long symbols, String unit, long millis,
                          String detail) {

    public double bitsPerByte() {
        return bits / bytes;
    }

    /** Bits per scored symbol (per token, or per byte over bytes). */
    public double bitsPerSymbol() {
        return bits / symbols;
    }

    /** One line: name, bits/byte, then the counts. */
    public String format() {
        String perSymbol = unit.equals("bytes") ? ""
                : String.format(Locale.ROOT, "%d %s, %.3f bits/%s, ", symbols, unit, bitsPerSymbol(),
                        unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit);
        return String.format(Locale.ROOT, "%-44s %.4f bits/byte  (%s%d bytes, %.1f s%s)", name, bitsPerByte(),
                perSymbol, bytes, millis / 1000.0, detail.isEmpty() ? "" : ", " + detail);
    }
}
