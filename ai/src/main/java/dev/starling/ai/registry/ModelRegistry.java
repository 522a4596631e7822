package dev.starling.ai.registry;

import dev.starling.ai.backend.LocalBackend;
import dev.starling.ai.backend.OpenAiHttpBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models Starling has and which one serves each {@link Feature}.
 *
 * <p>Switching needs no restart: {@link #assign} loads the new model (if it is not loaded) and points the feature at
 * it. A request takes a {@link ModelLease} with {@link #acquire} and keeps the model it started with until it closes
 * the lease, however many switches happen meanwhile; a backend is closed when nothing uses it any more (no feature
 * assigned, no lease open). A model added with {@link #addOpened} and {@code ownedElsewhere} (e.g. the backend that
 * also serves {@code /v1}) is never closed here.
 *
 * <p>Until a feature has a model, {@link #acquire} answers {@link Acquired.NotReady} with the registry's
 * {@linkplain #setStatus status} (e.g. {@code training: 45%}), which every feature reports plainly. Thread-safe.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** What acquiring a feature's model gave. */
    public sealed interface Acquired {
        record Ready(ModelLease lease) implements Acquired {
        }

        record NotReady(String reason) implements Acquired {
        }
    }

    /** The outcome of a switch: done, or why not. */
    public sealed interface SwitchOutcome {
        record Switched(Feature feature, String modelId, String previousModelId) implements SwitchOutcome {
        }

        record Rejected(String reason) implements SwitchOutcome {
        }
    }

    /** Told of each switch once it took effect (on the switching thread, switches in order); must be quick. */
    @FunctionalInterface
    public interface SwitchListener {
        void switched(Feature feature, ModelEntry model);
    }

    /** Opens a registered model's backend. */
    @FunctionalInterface
    public interface Opener {
        OpenedModel open(ModelEntry entry) throws IOException;
    }

    /** One model: its entry, its backend while loaded, and who holds it. Guarded by the registry's monitor. */
    static final class Slot {
        final ModelEntry entry;
        OpenedModel opened;
        int features;
        int leases;
        final boolean pinned;

        Slot(ModelEntry entry, OpenedModel opened, boolean pinned) {
            this.entry = entry;
            this.opened = opened;
            this.pinned = pinned;
        }

        boolean unused() {
            return features == 0 && leases == 0 && !pinned;
        }
    }

    /** A model's state, for the API. */
    public record ModelStatus(ModelEntry entry, boolean loaded, int leasesInFlight, List<Feature> serves) {
    }

    /** Everything the registry knows, at one moment. */
    public record Snapshot(List<ModelStatus> models, Map<Feature, String> serving, String status) {
    }

    private final Opener opener;
    private final ReentrantLock switching = new ReentrantLock();
    private final Map<String, Slot> models = new LinkedHashMap<>();
    private final EnumMap<Feature, Slot> serving = new EnumMap<>(Feature.class);
    private final List<SwitchListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private String status = "no model is configured";
    private boolean closed;

    public ModelRegistry(Opener opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** A registry that opens GGUF files with the engine in this process and remote entries over HTTP. */
    public static ModelRegistry withDefaultOpener() {
        return new ModelRegistry(ModelRegistry::openDefault);
    }

    private static OpenedModel openDefault(ModelEntry e) throws IOException {
        return switch (e.kind()) {
            case LOCAL -> OpenedModel.of(LocalBackend.open(Path.of(e.location()), LocalBackend.Options.defaults().withModelId(e.id())));
            case REMOTE -> throw new IOException("remote model " + e.id() + " must be added with addOpened (it needs its key)");
        };
    }

    /** A remote model entry (OpenAI-compatible server) for {@link #addOpened}. */
    public static ModelEntry remoteEntry(String modelId, String baseUrl, int contextTokens) {
        return new ModelEntry(modelId, ModelEntry.Kind.REMOTE, baseUrl, "remote", -1, -1, contextTokens, null);
    }

    /** A remote model over HTTP, opened now (connections are made per request). */
    public ModelEntry addRemote(String modelId, String baseUrl, String apiKey, int contextTokens) {
        ModelEntry e = remoteEntry(modelId, baseUrl, contextTokens);
        return addOpened(e, OpenedModel.of(new OpenAiHttpBackend(baseUrl, apiKey, 5_000, 600_000)), false);
    }

    /**
     * Registers a model that is loaded when a feature is first assigned to it.
     *
     * @throws IllegalArgumentException when the id is taken
     */
    public synchronized ModelEntry add(ModelEntry entry) {
        register(new Slot(entry, null, false));
        return entry;
    }

    /** Registers a GGUF file (its header is read now; the weights when a feature is assigned to it). */
    public ModelEntry addFile(Path gguf, String id) throws IOException {
        return add(ModelFiles.describe(gguf, id));
    }

    /**
     * Registers a backend that is already open.
     *
     * @param ownedElsewhere true when someone else closes it (it stays loaded); false to let the registry close it
     *                       when nothing uses it
     */
    public synchronized ModelEntry addOpened(ModelEntry entry, OpenedModel opened, boolean ownedElsewhere) {
        register(new Slot(entry, Objects.requireNonNull(opened, "opened"), ownedElsewhere));
        return entry;
    }

    private void register(Slot s) {
        if (closed) {
            throw new IllegalStateException("the model registry is closed");
        }
        if (models.containsKey(s.entry.id())) {
            throw new IllegalArgumentException("a model named '" + s.entry.id() + "' is already registered");
        }
        models.put(s.entry.id(), s);
    }

    /** Adds a listener told of every later switch ({@link ModelSelections} saves them). */
    public void onSwitch(SwitchListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The registered model named {@code modelId}, if any. */
    public synchronized java.util.Optional<ModelEntry> entry(String modelId) {
        Slot s = models.get(modelId);
        return s == null ? java.util.Optional.empty() : java.util.Optional.of(s.entry);
    }

    /** What features report while they have no model ({@code training: 45%}, {@code loading model.gguf}). */
    public synchronized void setStatus(String status) {
        this.status = Objects.requireNonNull(status, "status");
    }

    public synchronized String status() {
        return status;
    }

    /** Points every feature at {@code modelId}; switch listeners are told (an admin's switch is saved). */
    public SwitchOutcome assignAll(String modelId) {
        return assignAll(modelId, true);
    }

    /**
     * Points every feature at {@code modelId} without telling the switch listeners: for the server's own automatic
     * choices (a freshly trained demo model), which are not an admin's switch and must not be saved as one.
     */
    public SwitchOutcome assignAllUnrecorded(String modelId) {
        return assignAll(modelId, false);
    }

    private SwitchOutcome assignAll(String modelId, boolean notify) {
        SwitchOutcome last = null;
        for (Feature f : Feature.values()) {
            last = assign(f, modelId, notify);
            if (last instanceof SwitchOutcome.Rejected) {
                return last;
            }
        }
        return last;
    }

    /**
     * Points {@code feature} at {@code modelId}, loading it first when needed. Requests in flight keep their model; the
     * previous model is closed once its last lease ends (unless another feature uses it or it is owned elsewhere).
     */
    public SwitchOutcome assign(Feature feature, String modelId) {
        return assign(feature, modelId, true);
    }

    private SwitchOutcome assign(Feature feature, String modelId, boolean notify) {
        Objects.requireNonNull(feature, "feature");
        switching.lock();
        try {
            Slot s;
            synchronized (this) {
                if (closed) {
                    return new SwitchOutcome.Rejected("the model registry is closed");
                }
                s = models.get(modelId);
                if (s == null) {
                    return new SwitchOutcome.Rejected("no model '" + modelId + "'; known: " + String.join(", ", models.keySet()));
                }
                if (serving.get(feature) == s) {
                    return new SwitchOutcome.Switched(feature, modelId, modelId);
                }
            }
            boolean loaded;
            synchronized (this) {
                loaded = s.opened != null;
            }
            if (!loaded) {
                OpenedModel opened;
                try {
                    opened = opener.open(s.entry);
                } catch (IOException | RuntimeException e) {
                    return new SwitchOutcome.Rejected("could not load model '" + modelId + "': " + e.getMessage());
                }
                synchronized (this) {
                    s.opened = opened; // only this thread (holding the switching lock) loads
                }
                LOG.info("model {} loaded ({})", modelId, s.entry.location());
            }
            OpenedModel toClose;
            Slot previous;
            synchronized (this) {
                previous = serving.put(feature, s);
                s.features++;
                toClose = previous == null ? null : releaseLocked(previous, true);
            }
            closeQuietly(toClose, previous);
            LOG.info("{} is now served by model {}", feature.apiName(), modelId);
            for (SwitchListener l : notify ? listeners : List.<SwitchListener>of()) {
                try {
                    l.switched(feature, s.entry);
                } catch (RuntimeException e) {
                    LOG.warn("a switch listener failed for {} -> {}", feature.apiName(), modelId, e);
                }
            }
            return new SwitchOutcome.Switched(feature, modelId, previous == null ? null : previous.entry.id());
        } finally {
            switching.unlock();
        }
    }

    /** The model serving {@code feature}, held until the lease is closed; or why there is none. */
    public synchronized Acquired acquire(Feature feature) {
        if (closed) {
            return new Acquired.NotReady("the server is shutting down");
        }
        Slot s = serving.get(feature);
        if (s == null) {
            return new Acquired.NotReady(status);
        }
        s.leases++;
        return new Acquired.Ready(new ModelLease(this, s, s.entry, s.opened));
    }

    void release(Slot s) {
        OpenedModel toClose;
        synchronized (this) {
            toClose = releaseLocked(s, false);
        }
        closeQuietly(toClose, s);
    }

    private OpenedModel releaseLocked(Slot s, boolean feature) {
        if (feature) {
            s.features--;
        } else {
            s.leases--;
        }
        if (s.unused() && s.opened != null) {
            OpenedModel o = s.opened;
            s.opened = null;
            return o;
        }
        return null;
    }

    private static void closeQuietly(OpenedModel o, Slot s) {
        if (o == null) {
            return;
        }
        try {
            o.backend().close();
            LOG.info("model {} unloaded: no feature or request uses it", s.entry.id());
        } catch (RuntimeException e) {
            LOG.warn("closing model {} failed", s.entry.id(), e);
        }
    }

    /** The models, what each serves, and the status. */
    public synchronized Snapshot snapshot() {
        List<ModelStatus> out = new ArrayList<>();
        for (Slot s : models.values()) {
            List<Feature> serves = new ArrayList<>();
            for (Map.Entry<Feature, Slot> e : serving.entrySet()) {
                if (e.getValue() == s) {
                    serves.add(e.getKey());
                }
            }
            out.add(new ModelStatus(s.entry, s.opened != null, s.leases, List.copyOf(serves)));
        }
        Map<Feature, String> byFeature = new EnumMap<>(Feature.class);
        serving.forEach((f, s) -> byFeature.put(f, s.entry.id()));
        return new Snapshot(List.copyOf(out), Map.copyOf(byFeature), status);
    }

    /** Unassigns every feature; backends close now, or when their last lease ends. */
    @Override
    public void close() {
        List<OpenedModel> toClose = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Slot s : serving.values()) {
                OpenedModel o = releaseLocked(s, true);
                if (o != null) {
                    toClose.add(o);
                    slots.add(s);
                }
            }
            serving.clear();
            for (Slot s : models.values()) {
                if (s.unused() && s.opened != null) {
                    toClose.add(s.opened);
                    slots.add(s);
                    s.opened = null;
                }
            }
        }
        for (int i = 0; i < toClose.size(); i++) {
            closeQuietly(toClose.get(i), slots.get(i));
        }
    }
}
