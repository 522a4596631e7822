package dev.starling.llm.synth;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufValueType;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.json.Json;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.json.JsonValue.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The vocabulary a synthetic model carries, as GGUF's {@code tokenizer.*} keys: the tokenizer model
 * ({@code "gpt2"} for byte-level BPE, {@code "llama"} for SentencePiece, {@code "bert"}), the pre-tokenizer name,
 * token texts, token types, optional scores and merges, and every other {@code tokenizer.*} key verbatim
 * (special ids, add_bos_token, chat_template, ...).
 *
 * <p>Token types are llama.cpp's: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
 *
 * @param model  tokenizer.ggml.model
 * @param pre    tokenizer.ggml.pre, or null
 * @param tokens token texts by id // [vocab]
 * @param types  token types by id // [vocab]
 * @param scores scores by id, or null // [vocab]
 * @param merges BPE merges ("a b"), or null
 * @param other  other tokenizer.* keys, written verbatim in this order
 */
public record ModelVocabulary(String model, String pre, String[] tokens, int[] types, float[] scores,
        String[] merges, Map<String, GgufMetadata.Entry> other) {

    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    /** Declares this vocabulary's {@code tokenizer.*} keys on a writer, in the order llama.cpp's converter writes them. */
    public void writeTo(GgufWriter w) {
        w.putString("tokenizer.ggml.model", model);
        if (pre != null) {
            w.putString("tokenizer.ggml.pre", pre);
        }
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens);
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, types);
        if (scores != null) {
            w.putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores);
        }
        if (merges != null) {
            w.putArray("tokenizer.ggml.merges", GgufValueType.STRING, merges);
        }
        other.forEach(w::putEntry);
    }

    public ModelVocabulary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(types, "types");
        if (tokens.length == 0 || types.length != tokens.length || (scores != null && scores.length != tokens.length)) {
            throw new IllegalArgumentException("vocabulary of " + tokens.length + " tokens has " + types.length
                    + " types and " + (scores == null ? "no" : scores.length) + " scores");
        }
        other = Collections.unmodifiableMap(new LinkedHashMap<>(other));
        for (String k : other.keySet()) {
            if (!k.startsWith("tokenizer.")) {
                throw new IllegalArgumentException("vocabulary key " + k + " is not a tokenizer.* key");
            }
        }
    }

    public int size() {
        return tokens.length;
    }

    /**
     * This vocabulary padded to {@code size} tokens with {@code [PAD<i>]} tokens of type UNUSED (score 0), as
     * llama.cpp's converter pads a vocabulary to the model's embedding rows; unchanged when already that large.
     */
    public ModelVocabulary paddedTo(int size) {
        if (size <= tokens.length) {
            return this;
        }
        String[] t = Arrays.copyOf(tokens, size);
        int[] ty = Arrays.copyOf(types, size);
        float[] sc = scores == null ? null : Arrays.copyOf(scores, size);
        for (int i = tokens.length; i < size; i++) {
            t[i] = "[PAD" + i + "]";
            ty[i] = UNUSED;
        }
        return new ModelVocabulary(model, pre, t, ty, sc, merges, other);
    }

    /** All tokenizer.* keys of a GGUF file (e.g. llama.cpp's ggml-vocab-*.gguf). */
    public static ModelVocabulary fromGguf(Path file) throws IOException {
        try (GgufFile f = GgufFile.open(file)) {
            GgufMetadata m = f.metadata();
            Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>();
            for (String k : m.keys()) {
                if (k.startsWith("tokenizer.") && !k.equals("tokenizer.ggml.model") && !k.equals("tokenizer.ggml.pre")
                        && !k.equals("tokenizer.ggml.tokens") && !k.equals("tokenizer.ggml.token_type")
                        && !k.equals("tokenizer.ggml.scores") && !k.equals("tokenizer.ggml.merges")) {
                    other.put(k, m.entryOrNull(k));
                }
            }
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            int[] types = m.has("tokenizer.ggml.token_type") ? m.getIntArray("tokenizer.ggml.token_type")
                    : filled(tokens.length, NORMAL);
            return new ModelVocabulary(m.getString("tokenizer.ggml.model"), m.getString("tokenizer.ggml.pre", null),
                    tokens, types, m.getFloatArray("tokenizer.ggml.scores", null),
                    m.getStringArray("tokenizer.ggml.merges", null), other);
        }
    }

    /**
     * A byte-level BPE vocabulary from a Hugging Face {@code tokenizer.json} (and the {@code tokenizer_config.json}
     * beside it, when present, for special tokens, add_bos_token and the chat template), converted as llama.cpp's
     * {@code convert_hf_to_gguf.py} does: ids without a token become {@code [PAD<i>]} (unused), added tokens that are
     * special or look like {@code <|...|>} are control tokens, other added tokens user-defined.
     *
     * @param pre the llama.cpp pre-tokenizer name, e.g. "llama-bpe" (Llama 3) or "qwen2" (Qwen2/2.5/3)
     */
    public static ModelVocabulary fromTokenizerJson(Path tokenizerJson, String pre) throws IOException {
        JsonObject root = Json.parse(tokenizerJson).asObject();
        JsonObject model = root.require("model").asObject();
        if (!"BPE".equals(model.string("type"))) {
            throw new IOException(tokenizerJson + ": model.type " + model.string("type") + " is not BPE");
        }
        Map<Integer, String> byId = new HashMap<>();
        Map<Integer, Boolean> added = new HashMap<>();
        int size = 0;
        for (var e : model.require("vocab").asObject().members().entrySet()) {
            int id = e.getValue().asInt();
            byId.put(id, e.getKey());
            size = Math.max(size, id + 1);
        }
        for (JsonValue v : root.get("added_tokens").map(JsonValue::asArray).map(JsonValue.JsonArray::elements)
                .orElse(java.util.List.of())) {
            JsonObject a = v.asObject();
            int id = a.require("id").asInt();
            byId.put(id, a.string("content"));
            added.put(id, a.bool("special", false));
            size = Math.max(size, id + 1);
        }
        if (size > 1 << 22) {
            throw new IOException(tokenizerJson + ": vocabulary of " + size + " ids is too large");
        }
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (int i = 0; i < size; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = UNUSED;
            } else if (added.containsKey(i)) {
                boolean control = added.get(i) || (t.startsWith("<|") && t.endsWith("|>"));
                tokens[i] = t;
                types[i] = control ? CONTROL : USER_DEFINED;
            } else {
                tokens[i] = t;
                types[i] = NORMAL;
            }
        }
        var mergeList = model.require("merges").asArray().elements();
        String[] merges = new String[mergeList.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonValue m = mergeList.get(i);
            merges[i] = m instanceof JsonValue.JsonArray pair ? pair.get(0).asString() + " " + pair.get(1).asString()
                    : m.asString();
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < size; i++) {
            index.put(tokens[i], i);
        }
        Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>();
        Path configFile = tokenizerJson.resolveSibling("tokenizer_config.json");
        Boolean addBos = null;
        if (Files.isRegularFile(configFile)) {
            JsonObject config = Json.parse(configFile).asObject();
            specialId(config, "bos_token", index, "tokenizer.ggml.bos_token_id", other);
            specialId(config, "eos_token", index, "tokenizer.ggml.eos_token_id", other);
            specialId(config, "unk_token", index, "tokenizer.ggml.unknown_token_id", other);
            specialId(config, "pad_token", index, "tokenizer.ggml.padding_token_id", other);
            if (config.get("add_bos_token").isPresent() && !config.require("add_bos_token").isNull()) {
                addBos = config.require("add_bos_token").asBoolean();
            }
            String template = config.string("chat_template", null);
            if (template != null) {
                other.put("tokenizer.chat_template", new GgufMetadata.Entry(GgufValueType.STRING, null, template));
            }
        }
        if (addBos == null && "llama-bpe".equals(pre)) {
            addBos = true; // llama.cpp's default for the Llama 3 pre-tokenizer
        }
        if (addBos != null) {
            other.put("tokenizer.ggml.add_bos_token", new GgufMetadata.Entry(GgufValueType.BOOL, null, addBos));
        }
        return new ModelVocabulary("gpt2", pre, tokens, types, null, merges, other);
    }

    /**
     * {@link #fromTokenizerJson(Path, String)} with the llama.cpp pre-tokenizer name recognised from the files:
     * "qwen2" for a Qwen2Tokenizer (Qwen2, 2.5, 3), "llama-bpe" for a Llama 3 vocabulary (its
     * {@code <|begin_of_text|>} token); any other vocabulary needs the name given explicitly.
     */
    public static ModelVocabulary fromTokenizerJson(Path tokenizerJson) throws IOException {
        Path configFile = tokenizerJson.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(configFile)
                && "Qwen2Tokenizer".equals(Json.parse(configFile).asObject().string("tokenizer_class", null))) {
            return fromTokenizerJson(tokenizerJson, "qwen2");
        }
        ModelVocabulary v = fromTokenizerJson(tokenizerJson, "llama-bpe");
        if (v.size() > 128000 && "<|begin_of_text|>".equals(v.tokens()[128000])) {
            return v;
        }
        throw new IOException(tokenizerJson + ": cannot tell which llama.cpp pre-tokenizer this vocabulary uses;"
                + " pass it explicitly (e.g. \"llama-bpe\", \"qwen2\", \"gpt2\")");
    }

    /**
     * The real vocabulary of a preset shape from a directory laid out like the shared data's {@code tokenizers/}:
     * {@code llama3/tokenizer.json} for llama-3.2-1b, {@code qwen3/tokenizer.json} for qwen3-0.6b and qwen2.5-0.5b
     * (Qwen2.5 has the same byte-level BPE and 4 fewer added tokens; ids past the vocabulary are padding either way),
     * {@code ggml-vocab-llama-spm.gguf} for llama-2-7b, and a {@link #synthetic} vocabulary for the other shapes
     * (Mistral's own vocabulary is not in the data; the synthetic one has its size).
     *
     * @throws IOException when the file a real shape needs is absent
     */
    public static ModelVocabulary forShape(Shape shape, Path tokenizersDir) throws IOException {
        if (shape.name().equals("llama-2-7b")) {
            Path gguf = tokenizersDir.resolve("ggml-vocab-llama-spm.gguf");
            if (!Files.isRegularFile(gguf)) {
                throw new IOException("the vocabulary of llama-2-7b is read from " + gguf + ", which is absent");
            }
            return fromGguf(gguf);
        }
        String sub = switch (shape.name()) {
            case "llama-3.2-1b" -> "llama3";
            case "qwen3-0.6b", "qwen2.5-0.5b" -> "qwen3";
            default -> null;
        };
        if (sub == null) {
            int size = shape.vocabSize() > 0 ? shape.vocabSize() : shape.isEncoder() ? 30522 : 32000;
            return shape.isEncoder() ? syntheticWordPiece(size) : synthetic(size);
        }
        Path json = tokenizersDir.resolve(sub).resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException("the vocabulary of " + shape.name() + " is read from " + json + ", which is absent");
        }
        return fromTokenizerJson(json, sub.equals("llama3") ? "llama-bpe" : "qwen2");
    }

    private static void specialId(JsonObject config, String key, Map<String, Integer> index, String ggufKey,
            Map<String, GgufMetadata.Entry> other) {
        JsonValue v = config.get(key).orElse(null);
        if (v == null || v.isNull()) {
            return;
        }
        String text = v instanceof JsonObject o ? o.string("content") : v.asString();
        Integer id = index.get(text);
        if (id != null) {
            other.put(ggufKey, new GgufMetadata.Entry(GgufValueType.UINT32, null, (long) id));
        }
    }

    /**
     * A made-up SentencePiece-style vocabulary of {@code size} tokens (at least 259) that llama.cpp can load without
     * any data file: {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens {@code <0xNN>}, then pieces
     * {@code ▁a}, {@code ▁b}, ... with decreasing scores.
     */
    public static ModelVocabulary synthetic(int size) {
        if (size < 259) {
            throw new IllegalArgumentException("a synthetic vocabulary needs at least 259 tokens, not " + size);
        }
        String[] tokens = new String[size];
        int[] types = filled(size, NORMAL);
        float[] scores = new float[size];
        tokens[0] = "<unk>";
        types[0] = UNKNOWN;
        tokens[1] = "<s>";
        types[1] = CONTROL;
        tokens[2] = "</s>";
        types[2] = CONTROL;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = BYTE;
        }
        for (int i = 259; i < size; i++) {
            tokens[i] = "\u2581" + piece(i - 259);
            scores[i] = -(i - 259);
        }
        Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>();
        other.put("tokenizer.ggml.bos_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 1L));
        other.put("tokenizer.ggml.eos_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 2L));
        other.put("tokenizer.ggml.unknown_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 0L));
        other.put("tokenizer.ggml.add_bos_token", new GgufMetadata.Entry(GgufValueType.BOOL, null, true));
        other.put("tokenizer.ggml.add_eos_token", new GgufMetadata.Entry(GgufValueType.BOOL, null, false));
        return new ModelVocabulary("llama", "default", tokens, types, scores, null, other);
    }

    /**
     * A made-up BERT WordPiece vocabulary of {@code size} tokens (at least 1000) laid out like bert-base-uncased:
     * [PAD] 0, [unused*], [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103, then the ASCII characters, their
     * {@code ##} continuations, and made-up words and word pieces.
     */
    public static ModelVocabulary syntheticWordPiece(int size) {
        if (size < 1000) {
            throw new IllegalArgumentException("a synthetic WordPiece vocabulary needs at least 1000 tokens, not "
                    + size);
        }
        String[] tokens = new String[size];
        int[] types = filled(size, NORMAL);
        for (int i = 0; i < 104; i++) {
            tokens[i] = "[unused" + i + "]";
            types[i] = CONTROL;
        }
        tokens[0] = "[PAD]";
        tokens[100] = "[UNK]";
        types[100] = UNKNOWN;
        tokens[101] = "[CLS]";
        tokens[102] = "[SEP]";
        tokens[103] = "[MASK]";
        int next = 104;
        for (char c = '!'; c <= '~'; c++) {
            if (c < 'A' || c > 'Z') { // uncased
                tokens[next++] = String.valueOf(c);
            }
        }
        for (char c = 'a'; c <= 'z'; c++) {
            tokens[next++] = "##" + c;
        }
        for (int i = 0; next < size; i++) {
            tokens[next++] = (i % 2 == 0 ? "" : "##") + piece(i + 26); // 2+ letters: distinct from the above
        }
        Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>();
        other.put("tokenizer.ggml.token_type_count", new GgufMetadata.Entry(GgufValueType.UINT32, null, 2L));
        other.put("tokenizer.ggml.unknown_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 100L));
        other.put("tokenizer.ggml.seperator_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 102L));
        other.put("tokenizer.ggml.padding_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 0L));
        other.put("tokenizer.ggml.cls_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 101L));
        other.put("tokenizer.ggml.mask_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, 103L));
        return new ModelVocabulary("bert", "default", tokens, types, null, null, other);
    }

    /** Distinct lowercase words: a..z, aa..zz, ... */
    private static String piece(int n) {
        StringBuilder sb = new StringBuilder();
        int v = n;
        do {
            sb.append((char) ('a' + v % 26));
            v = v / 26 - 1;
        } while (v >= 0);
        return sb.reverse().toString();
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }
}
