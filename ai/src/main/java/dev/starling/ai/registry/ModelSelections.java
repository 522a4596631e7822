package dev.starling.ai.registry;

import dev.starling.social.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes model switches survive a restart: the model serving each {@link Feature} is saved in
 * {@code ai_model_selections} (migration V220) whenever it changes, and restored on start.
 *
 * <pre>{@code
 * registry.addFile(configured, "demo");
 * registry.assignAll("demo");                                  // what the command line says
 * ModelSelections.attach(registry, social.database());          // then what an admin switched to last time, and save from now on
 * }</pre>
 *
 * <p>Restoring a feature's saved model: when the registry has a model of that id, the feature is pointed at it; when it
 * has none and the saved model was a GGUF file that still exists, the file is registered under its saved id and the
 * feature pointed at it; otherwise (the file is gone, a remote model no longer configured, the model fails to load)
 * the feature keeps the model it has and a warning says why. Thread-safe.
 */
public final class ModelSelections {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSelections.class);

    /** A saved choice. */
    public record Selection(Feature feature, String modelId, ModelEntry.Kind kind, String location, Instant selectedAt) {
    }

    private final Database db;
    private final Clock clock;

    public ModelSelections(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Restores the saved choices into {@code registry} and saves every later switch. Call it once, after the
     * configured models are registered and assigned.
     *
     * @return what happened to each saved feature, one line each (also logged)
     */
    public static List<String> attach(ModelRegistry registry, Database db) {
        ModelSelections s = new ModelSelections(db, Clock.systemUTC());
        List<String> report = s.restore(registry);
        registry.onSwitch(s::save);
        return report;
    }

    /** Saves that {@code feature} is now served by {@code model}. */
    public void save(Feature feature, ModelEntry model) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ai_model_selections (feature, model_id, kind, location, selected_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (feature) DO UPDATE SET model_id = EXCLUDED.model_id, kind = EXCLUDED.kind,
                      location = EXCLUDED.location, selected_at = EXCLUDED.selected_at""")) {
                ps.setString(1, feature.apiName());
                ps.setString(2, model.id());
                ps.setString(3, model.kind().name().toLowerCase(Locale.ROOT));
                ps.setString(4, model.location());
                ps.setTimestamp(5, Timestamp.from(clock.instant()));
                return ps.executeUpdate();
            }
        });
    }

    /** The saved choices; rows naming a feature this version does not know are left out. */
    public Map<Feature, Selection> load() {
        return db.withConnection(c -> {
            Map<Feature, Selection> out = new EnumMap<>(Feature.class);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT feature, model_id, kind, location, selected_at FROM ai_model_selections ORDER BY feature");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<Feature> f = Feature.parse(rs.getString(1));
                    if (f.isEmpty()) {
                        LOG.warn("ai_model_selections: unknown feature '{}' ignored", rs.getString(1));
                        continue;
                    }
                    out.put(f.get(), new Selection(f.get(), rs.getString(2), ModelEntry.Kind.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                            rs.getString(4), rs.getTimestamp(5).toInstant()));
                }
            }
            return out;
        });
    }

    /** Points each feature at its saved model when that model is still there; see the class comment. */
    public List<String> restore(ModelRegistry registry) {
        List<String> report = new ArrayList<>();
        Map<Feature, String> serving = registry.snapshot().serving();
        for (Selection s : load().values()) {
            String feature = s.feature().apiName();
            String current = serving.get(s.feature());
            if (s.modelId().equals(current)) {
                report.add(feature + ": model " + s.modelId() + " (saved choice, already served)");
                continue;
            }
            String keeps = current == null ? "it has no model" : "it keeps model " + current;
            if (registry.entry(s.modelId()).isEmpty()) {
                String missing = register(registry, s);
                if (missing != null) {
                    warn(report, feature + ": the model " + s.modelId() + " chosen at " + s.selectedAt() + " is not restored: " + missing
                            + "; " + keeps);
                    continue;
                }
            }
            switch (registry.assign(s.feature(), s.modelId())) {
                case ModelRegistry.SwitchOutcome.Switched sw -> {
                    String line = feature + ": model " + s.modelId() + " restored (chosen at " + s.selectedAt() + ")"
                            + (current == null ? "" : " instead of " + current);
                    LOG.info(line);
                    report.add(line);
                }
                case ModelRegistry.SwitchOutcome.Rejected r -> warn(report, feature + ": the model " + s.modelId() + " chosen at "
                        + s.selectedAt() + " is not restored: " + r.reason() + "; " + keeps);
            }
        }
        return report;
    }

    /** Registers a saved GGUF file that still exists; null when done, else why not. */
    private static String register(ModelRegistry registry, Selection s) {
        if (s.kind() != ModelEntry.Kind.LOCAL) {
            return "the remote model at " + s.location() + " is not configured any more";
        }
        Path file;
        try {
            file = Path.of(s.location());
        } catch (InvalidPathException e) {
            return "its path '" + s.location() + "' is not valid here";
        }
        if (!Files.isRegularFile(file)) {
            return "its file " + file + " no longer exists";
        }
        try {
            registry.addFile(file, s.modelId());
            return null;
        } catch (IOException | RuntimeException e) {
            return "its file " + file + " cannot be read: " + e.getMessage();
        }
    }

    private static void warn(List<String> report, String line) {
        LOG.warn(line);
        report.add(line);
    }
}
