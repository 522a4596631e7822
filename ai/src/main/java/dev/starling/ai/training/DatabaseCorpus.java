package dev.starling.ai.training;

import dev.starling.social.corpus.CorpusPost;
import dev.starling.social.corpus.TrainValidationSplit;
import dev.starling.social.corpus.TrainingCorpus;
import dev.starling.social.db.Database;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The network's consented posts ({@link TrainingCorpus}: public posts of consenting accounts, never
 * followers-only, direct, deleted, reposts or bots), read in one consistent snapshot and split by post id, so a
 * post stays on the same side of the split in every later corpus.
 */
public final class DatabaseCorpus implements CorpusSource {
    /** Most posts taken into one job (the texts are held in memory while the tokenizer trains). */
    public static final int MAX_POSTS = 20_000_000;

    private final TrainingCorpus corpus;

    public DatabaseCorpus(Database db) {
        this(new TrainingCorpus(db));
    }

    public DatabaseCorpus(TrainingCorpus corpus) {
        this.corpus = corpus;
    }

    @Override
    public String describe() {
        return "the network's consented public posts";
    }

    @Override
    public CorpusSnapshot read(long seed, double validationFraction, BooleanSupplier cancelled) {
        TrainValidationSplit split = new TrainValidationSplit((int) Math.round(validationFraction * 1_000_000), seed);
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        List<CorpusSnapshot.PostInfo> info = new ArrayList<>();
        try (dev.starling.social.corpus.CorpusSnapshot s = corpus.open()) {
            var m = s.manifest();
            try (Stream<CorpusPost> posts = s.posts()) {
                Iterator<CorpusPost> it = posts.iterator();
                for (long n = 1; it.hasNext(); n++) {
                    if ((n & 1023) == 0 && cancelled.getAsBoolean()) {
                        throw new CancellationException("cancelled while reading the corpus");
                    }
                    if (n > MAX_POSTS) {
                        throw new IllegalArgumentException("the corpus has more than " + MAX_POSTS + " posts, the most one"
                                + " job takes; export token shards for a larger trainer");
                    }
                    CorpusPost p = it.next();
                    if (split.isValidation(p.id())) {
                        validation.add(p.text());
                    } else {
                        train.add(p.text());
                        info.add(new CorpusSnapshot.PostInfo(p.id(), p.authorId(), p.createdAt()));
                    }
                }
            }
            Map<String, Long> posts = new LinkedHashMap<>();
            m.postsExcluded().forEach((reason, count) -> posts.put(reasonText(reason), count));
            Map<String, Long> accounts = new LinkedHashMap<>();
            m.accountsExcluded().forEach((reason, count) -> accounts.put(reasonText(reason), count));
            CorpusManifest manifest = new CorpusManifest(describe() + " (corpus rules v" + m.rulesVersion() + ")",
                    m.snapshotAt(), m.postsIncluded(), m.accountsIncluded(), posts, accounts);
            return new CorpusSnapshot(train, validation, manifest, info);
        }
    }

    /** AUTHOR_NOT_CONSENTING -> "author not consenting". */
    static String reasonText(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
