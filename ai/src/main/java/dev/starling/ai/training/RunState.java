package dev.starling.ai.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a resume needs besides the checkpoint and the token file: the configuration the run started with, the
 * schedule's length, the tokenizer and corpus facts for the model card, and the wall time and losses so far.
 * Stored as {@code run.json} (format "starling-training-run", version 1) in the run directory; {@code grounded} (the
 * grounded-example mix, {@link GroundedMix}) is present only when the run mixes examples in, so an older file reads
 * as a plain run.
 */
record RunState(TrainingConfig config, int totalSteps, int warmupSteps, String tokenizerType, int tokenizerTokens,
        long tokenizerTextBytes, CorpusManifest manifest, long trainPosts, long validationPosts, long elapsedMillis,
        double lastTrainLoss, double lastValLoss, GroundedMix grounded) {

    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    RunState withProgress(long elapsedMillis, double lastTrainLoss, double lastValLoss) {
        return new RunState(config, totalSteps, warmupSteps, tokenizerType, tokenizerTokens, tokenizerTextBytes, manifest,
                trainPosts, validationPosts, elapsedMillis, lastTrainLoss, lastValLoss, grounded);
    }

    RunState withTotalSteps(int totalSteps) {
        return new RunState(config, totalSteps, warmupSteps, tokenizerType, tokenizerTokens, tokenizerTextBytes, manifest,
                trainPosts, validationPosts, elapsedMillis, lastTrainLoss, lastValLoss, grounded);
    }

    void write(Path out) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "starling-training-run").put("version", VERSION);
        root.set("config", JSON.valueToTree(config));
        root.put("total_steps", totalSteps).put("warmup_steps", warmupSteps);
        root.put("tokenizer_type", tokenizerType).put("tokenizer_tokens", tokenizerTokens)
                .put("tokenizer_text_bytes", tokenizerTextBytes);
        ObjectNode m = root.putObject("manifest");
        m.put("source", manifest.source()).put("snapshot_time", manifest.snapshotTime().toString())
                .put("posts_included", manifest.postsIncluded()).put("accounts_included", manifest.accountsIncluded());
        manifest.postsExcludedByReason().forEach(m.putObject("posts_excluded")::put);
        manifest.accountsExcludedByReason().forEach(m.putObject("accounts_excluded")::put);
        root.put("train_posts", trainPosts).put("validation_posts", validationPosts);
        root.put("elapsed_millis", elapsedMillis);
        root.put("last_train_loss", Double.isNaN(lastTrainLoss) ? null : lastTrainLoss);
        root.put("last_val_loss", Double.isNaN(lastValLoss) ? null : lastValLoss);
        if (grounded.active()) {
            root.set("grounded", JSON.valueToTree(grounded));
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static RunState read(Path in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(in + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!"starling-training-run".equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
            throw new IOException(in + ": not a version " + VERSION + " starling-training-run file (format "
                    + root.path("format") + ", version " + root.path("version") + ")");
        }
        try {
            TrainingConfig config = JSON.treeToValue(require(root, "config", in), TrainingConfig.class);
            JsonNode m = require(root, "manifest", in);
            CorpusManifest manifest = new CorpusManifest(m.path("source").asText(),
                    Instant.parse(m.path("snapshot_time").asText()), m.path("posts_included").asLong(),
                    m.path("accounts_included").asLong(), counts(m.path("posts_excluded")), counts(m.path("accounts_excluded")));
            return new RunState(config, require(root, "total_steps", in).asInt(), require(root, "warmup_steps", in).asInt(),
                    root.path("tokenizer_type").asText(), root.path("tokenizer_tokens").asInt(),
                    root.path("tokenizer_text_bytes").asLong(), manifest, root.path("train_posts").asLong(),
                    root.path("validation_posts").asLong(), root.path("elapsed_millis").asLong(),
                    number(root.path("last_train_loss")), number(root.path("last_val_loss")),
                    root.hasNonNull("grounded") ? JSON.treeToValue(root.get("grounded"), GroundedMix.class) : GroundedMix.none());
        } catch (com.fasterxml.jackson.core.JacksonException | DateTimeParseException | IllegalArgumentException e) {
            throw new IOException(in + ": malformed run state: " + e.getMessage(), e);
        }
    }

    private static JsonNode require(JsonNode root, String key, Path in) throws IOException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new IOException(in + ": missing \"" + key + "\"");
        }
        return n;
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
