package dev.starling.ai.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.llm.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a model trained here is: the corpus (snapshot time, posts and accounts included and excluded by reason),
 * the tokenizer, the hyperparameters, the shape and size, how long it trained and the losses it reached. Written
 * beside the model as {@code NAME.card.json} and {@code NAME.card.md}, and into the GGUF as the string
 * {@value #GGUF_KEY} so a registry can show it from the model file alone.
 *
 * @param tokenizerTokens           tokens the tokenizer learned (specials included), before padding to the model
 * @param finalTrainLoss            mean training loss of the last (up to 10) steps
 * @param finalValLoss              validation loss of the exported weights
 * @param stoppedBecause            "steps" (the run's steps done), "time budget" or "validation loss stopped
 *                                  improving", and whether the best validation weights were exported instead of the last
 * @param grounded                  the grounded-answer examples mixed into training ({@link GroundedMix#none()}: none)
 */
public record ModelCard(String name, String starlingVersion, Instant created, CorpusManifest corpus,
        long trainPosts, long validationPosts, long trainTokens, long validationTokens,
        String tokenizerType, int tokenizerTokens, long tokenizerTrainingTextBytes,
        TrainingConfig hyperparameters, long parameters, int steps, int totalSteps, long tokensSeen,
        double finalTrainLoss, double finalValLoss, long wallTimeMillis, String stoppedBecause, GroundedMix grounded) {

    /** The GGUF metadata key holding the card's JSON. */
    public static final String GGUF_KEY = "starling.model_card";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "starling-model-card").put("version", FORMAT_VERSION);
        root.put("name", name).put("starling_version", starlingVersion).put("created", created.toString());
        ObjectNode c = root.putObject("corpus");
        c.put("source", corpus.source()).put("snapshot_time", corpus.snapshotTime().toString());
        c.put("posts_included", corpus.postsIncluded()).put("accounts_included", corpus.accountsIncluded());
        putCounts(c.putObject("posts_excluded"), corpus.postsExcludedByReason());
        putCounts(c.putObject("accounts_excluded"), corpus.accountsExcludedByReason());
        c.put("train_posts", trainPosts).put("validation_posts", validationPosts);
        c.put("train_tokens", trainTokens).put("validation_tokens", validationTokens);
        ObjectNode t = root.putObject("tokenizer");
        t.put("type", tokenizerType).put("tokens", tokenizerTokens).put("vocab_size", hyperparameters.vocabSize())
                .put("training_text_bytes", tokenizerTrainingTextBytes);
        root.set("hyperparameters", JSON.valueToTree(hyperparameters));
        ObjectNode m = root.putObject("model");
        m.put("architecture", "llama").put("dim", hyperparameters.dim()).put("layers", hyperparameters.layers())
                .put("heads", hyperparameters.heads()).put("kv_heads", hyperparameters.kvHeads())
                .put("ffn", hyperparameters.ffn()).put("vocab_size", hyperparameters.vocabSize())
                .put("context_length", hyperparameters.seq()).put("tied_output", true).put("parameters", parameters);
        ObjectNode r = root.putObject("training");
        r.put("steps", steps).put("total_steps", totalSteps).put("tokens_seen", tokensSeen);
        putLoss(r, "final_train_loss", finalTrainLoss);
        putLoss(r, "final_validation_loss", finalValLoss);
        r.put("wall_time_seconds", wallTimeMillis / 1000.0).put("stopped_because", stoppedBecause);
        ObjectNode g = root.putObject("grounded_examples");
        g.put("examples", grounded.examples()).put("ask", grounded.askExamples()).put("explain", grounded.explainExamples())
                .put("tokens", grounded.exampleTokens());
        if (grounded.active()) {
            g.put("from_micro_batch", grounded.fromBatch()).put("row_share", grounded.rowShare())
                    .put("token_share", grounded.tokenShare()).put("method", GroundedMix.METHOD);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("model card not serializable", e);
        }
    }

    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Model card: ").append(name).append("\n\n");
        sb.append("Trained by Starling ").append(starlingVersion).append(" on ").append(created).append(".\n\n");
        sb.append("## Corpus\n\n");
        sb.append("- Source: ").append(corpus.source()).append(", snapshot ").append(corpus.snapshotTime()).append('\n');
        sb.append("- Posts included: ").append(corpus.postsIncluded()).append(" (").append(trainPosts)
                .append(" train, ").append(validationPosts).append(" validation)\n");
        if (corpus.accountsIncluded() >= 0) {
            sb.append("- Accounts included: ").append(corpus.accountsIncluded()).append('\n');
        }
        corpus.postsExcludedByReason().forEach((k, v) -> sb.append("- Posts excluded, ").append(k).append(": ").append(v).append('\n'));
        corpus.accountsExcludedByReason().forEach((k, v) -> sb.append("- Accounts excluded, ").append(k).append(": ").append(v).append('\n'));
        sb.append("- Tokens: ").append(trainTokens).append(" train, ").append(validationTokens).append(" validation\n\n");
        sb.append("## Tokenizer\n\n- ").append(tokenizerType).append(", ").append(tokenizerTokens).append(" tokens learned (model vocabulary ")
                .append(hyperparameters.vocabSize()).append("), from ").append(tokenizerTrainingTextBytes).append(" bytes of training text\n\n");
        TrainingConfig h = hyperparameters;
        sb.append("## Model\n\n- Llama architecture: dim ").append(h.dim()).append(", ").append(h.layers()).append(" layers, ")
                .append(h.heads()).append(" heads, ").append(h.kvHeads()).append(" KV heads, FFN ").append(h.ffn())
                .append(", context ").append(h.seq()).append(", tied output\n- Parameters: ").append(parameters).append("\n\n");
        sb.append("## Hyperparameters\n\n");
        sb.append(String.format("- batch %d × seq %d × accumulation %d = %d tokens per step%n", h.batch(), h.seq(),
                h.accumulation(), h.tokensPerStep()));
        sb.append(String.format("- AdamW (0.9, 0.95), lr %.2g → %.2g (warmup then cosine), weight decay %.2g, clip %.2g%n",
                h.maxLr(), h.minLr(), h.weightDecay(), h.maxGradNorm()));
        if (h.dropout() > 0) {
            sb.append(String.format("- dropout %.2g on the embeddings and each residual branch (training only)%n", h.dropout()));
        }
        sb.append("- seed ").append(h.seed()).append(", validation every ").append(h.valEvery()).append(" steps\n\n");
        sb.append("## Training\n\n");
        sb.append("- Steps: ").append(steps).append(" of ").append(totalSteps).append(" (stopped: ").append(stoppedBecause).append(")\n");
        sb.append("- Tokens seen: ").append(tokensSeen).append('\n');
        sb.append(String.format("- Final training loss: %.4f%n- Final validation loss: %.4f%n", finalTrainLoss, finalValLoss));
        sb.append("- Wall time: ").append(TrainingProgress.duration(wallTimeMillis)).append('\n');
        sb.append("\n## Grounded-answer examples\n\n- ").append(grounded.describe()).append('\n');
        if (grounded.active()) {
            sb.append("- Made from the training posts only: ").append(GroundedMix.METHOD).append('\n');
        }
        return sb.toString();
    }

    /** The card's JSON stored in a GGUF model, when it has one. */
    public static Optional<String> jsonFromGguf(Path model) throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            return Optional.ofNullable(f.metadata().getString(GGUF_KEY, null));
        }
    }

    private static void putCounts(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }

    private static void putLoss(ObjectNode node, String key, double v) {
        if (Double.isNaN(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
        }
    }
}
