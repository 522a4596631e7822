package dev.starling.ai.training;

import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufValueType;
import dev.starling.llm.synth.ModelVocabulary;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special tokens a Starling model is trained with, never split by the tokenizer: each post is
 * {@code <|post|>text<|endoftext|>} in the packed stream, and the ChatML markers {@code <|im_start|>} and
 * {@code <|im_end|>} are reserved for the chat template written into the GGUF (the ai module's ChatML
 * fallback, so LocalBackend and llama.cpp render chats the same way).
 */
public final class SpecialTokens {
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String POST = "<|post|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";

    /** In the order the tokenizer trainer is given them. */
    public static final List<String> ALL = List.of(END_OF_TEXT, POST, IM_START, IM_END);

    /** ChatML, the same text as {@code dev.starling.ai.chat.ChatTemplate.CHATML}. */
    public static final String CHAT_TEMPLATE = dev.starling.ai.chat.ChatTemplate.CHATML;

    private SpecialTokens() {
    }

    /**
     * The trained vocabulary padded to the model's vocabulary size and completed with what a served model
     * needs: {@code <|endoftext|>} as EOS (and BOS, as GPT-2 has it, but not added to prompts), the chat
     * template, and the special tokens typed CONTROL.
     *
     * @throws IllegalArgumentException when a special token is missing from the vocabulary or it is larger
     *                                  than the model's
     */
    public static ModelVocabulary complete(ModelVocabulary trained, int modelVocabSize) {
        if (trained.size() > modelVocabSize) {
            throw new IllegalArgumentException("the tokenizer has " + trained.size() + " tokens, more than the model's "
                    + modelVocabSize);
        }
        ModelVocabulary v = trained.paddedTo(modelVocabSize);
        int[] types = Arrays.copyOf(v.types(), v.size());
        int eos = -1;
        for (String special : ALL) {
            int id = indexOf(v.tokens(), special);
            if (id < 0) {
                throw new IllegalArgumentException("the trained vocabulary lacks the special token " + special);
            }
            types[id] = ModelVocabulary.CONTROL;
            if (special.equals(END_OF_TEXT)) {
                eos = id;
            }
        }
        Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>(v.other());
        other.put("tokenizer.ggml.bos_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, (long) eos));
        other.put("tokenizer.ggml.eos_token_id", new GgufMetadata.Entry(GgufValueType.UINT32, null, (long) eos));
        other.put("tokenizer.ggml.add_bos_token", new GgufMetadata.Entry(GgufValueType.BOOL, null, false));
        other.put("tokenizer.chat_template", new GgufMetadata.Entry(GgufValueType.STRING, null, CHAT_TEMPLATE));
        return new ModelVocabulary(v.model(), v.pre(), v.tokens(), types, v.scores(), v.merges(), other);
    }

    static int indexOf(String[] tokens, String text) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(text)) {
                return i;
            }
        }
        return -1;
    }
}
