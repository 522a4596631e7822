package dev.starling.ai.training;

import dev.starling.llm.tokenizer.train.BpeTrainer;
import dev.starling.llm.tokenizer.train.TrainedBpe;
import java.util.List;

/**
 * The byte-level BPE of {@code dev.starling.llm.tokenizer.train.BpeTrainer} with Llama 3 pre-tokenization:
 * {@code <|endoftext|>} is EOS, {@code <|im_end|>} ends a chat turn, no BOS added to prompts. Deterministic
 * without a seed (ties are broken by a fixed rule).
 */
public final class BpeVocabularyTrainer implements VocabularyTrainer {

    @Override
    public String type() {
        return "byte-level BPE (llama-bpe pre-tokenizer)";
    }

    @Override
    public Trained train(List<String> texts, int vocabSize, List<String> specialTokens, long seed, long maxTextBytes) {
        String eos = specialTokens.contains(SpecialTokens.END_OF_TEXT) ? SpecialTokens.END_OF_TEXT : null;
        String eot = specialTokens.contains(SpecialTokens.IM_END) ? SpecialTokens.IM_END : null;
        BpeTrainer.Options options = BpeTrainer.Options.of(vocabSize, specialTokens)
                .withMaxCorpusBytes(Math.min(maxTextBytes, BpeTrainer.MAX_CORPUS_BYTES))
                .withSpecialRoles(eos, eos, eot, false);
        TrainedBpe bpe = BpeTrainer.train(texts, options);
        int learned = bpe.vocabSize() - bpe.stats().paddingTokens();
        return new Trained(bpe.modelVocabulary(), learned, bpe.stats().bytesRead());
    }
}
