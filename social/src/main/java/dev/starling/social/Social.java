package dev.starling.social;

import dev.starling.social.accounts.Accounts;
import dev.starling.social.auth.Argon2Params;
import dev.starling.social.auth.Passwords;
import dev.starling.social.consent.TrainingConsent;
import dev.starling.social.corpus.TrainingCorpus;
import dev.starling.social.db.Database;
import dev.starling.social.imports.ArchiveImporter;
import dev.starling.social.notifications.Notifications;
import dev.starling.social.outbox.Outbox;
import dev.starling.social.posts.HydrationCache;
import dev.starling.social.posts.PostCache;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.Posts;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.timelines.Timelines;
import dev.starling.social.visibility.ViewerCache;
import java.time.Clock;

/**
 * The social network's services over one {@link Database}; the entry point for other modules.
 *
 * <pre>{@code
 * Database db = Database.open(new Database.Config(jdbcUrl, user, password, 20)); // migrates
 * Social social = Social.create(db, Social.Settings.defaults());
 * Account a = social.accounts().signUp(new SignUp("alice", "a@example.org", "correct horse battery")).orThrow();
 * Post p = social.posts().create(a.id(), NewPost.of("hello #starling")).orThrow();
 * Slice<Post> home = social.timelines().home(a.id(), Page.first());
 * List<PostView> views = social.posts().views(a.id(), home.items());
 * }</pre>
 *
 * All services are thread-safe. Domain failures come back as {@link dev.starling.social.common.Outcome}
 * values; {@link dev.starling.social.db.DatabaseException} signals I/O or bugs.
 */
public final class Social {

    /**
     * Tunables: post length limit (twitter-text weighted, default 280), Argon2 cost, clock, and
     * {@code trainingConsentDefault}: whether NEW accounts consent to their public posts training
     * Starling's models until they change it (the operator's choice; false out of the box, i.e.
     * opt-in). Existing accounts keep their setting when the default changes.
     */
    public record Settings(int maxPostWeightedLength, Argon2Params argon2, Clock clock, boolean trainingConsentDefault) {

        /** As the canonical constructor with {@code trainingConsentDefault} false (opt-in). */
        public Settings(int maxPostWeightedLength, Argon2Params argon2, Clock clock) {
            this(maxPostWeightedLength, argon2, clock, false);
        }

        public static Settings defaults() {
            return new Settings(PostText.DEFAULT_MAX_WEIGHTED_LENGTH, Argon2Params.OWASP, Clock.systemUTC(), false);
        }

        public Settings withMaxPostWeightedLength(int n) {
            return new Settings(n, argon2, clock, trainingConsentDefault);
        }

        public Settings withArgon2(Argon2Params p) {
            return new Settings(maxPostWeightedLength, p, clock, trainingConsentDefault);
        }

        public Settings withClock(Clock c) {
            return new Settings(maxPostWeightedLength, argon2, c, trainingConsentDefault);
        }

        /** The training consent of new accounts (the operator's configuration; default false). */
        public Settings withTrainingConsentDefault(boolean consent) {
            return new Settings(maxPostWeightedLength, argon2, clock, consent);
        }
    }

    private final Database db;
    private final Settings settings;
    private final Accounts accounts;
    private final Posts posts;
    private final Relationships relationships;
    private final Timelines timelines;
    private final Notifications notifications;
    private final Outbox outbox;
    private final ArchiveImporter importer;
    private final TrainingConsent trainingConsent;
    private final TrainingCorpus trainingCorpus;

    private Social(Database db, Settings settings) {
        this.db = db;
        this.settings = settings;
        Passwords passwords = new Passwords(settings.argon2());
        this.accounts = new Accounts(db, passwords, settings.clock(), settings.trainingConsentDefault());
        this.trainingConsent = new TrainingConsent(db, accounts, settings.trainingConsentDefault());
        this.trainingCorpus = new TrainingCorpus(db);
        // Home pages are decided and hydrated from memory, kept current by the database's change feed.
        // One post cache and one viewer cache serve both.
        PostCache postCache = PostCache.subscribed(db, PostCache.DEFAULT_MAX_POSTS);
        ViewerCache viewerCache = ViewerCache.subscribed(db, ViewerCache.DEFAULT_MAX_IDS);
        HydrationCache hydration = new HydrationCache(db, db.changes()::awaitLocalWrites, postCache, viewerCache, HydrationCache.DEFAULT_MAX_ENTRIES);
        db.changes().subscribe(hydration);
        this.posts = new Posts(db, new PostText(settings.maxPostWeightedLength()), settings.clock(), hydration);
        this.relationships = new Relationships(db, settings.clock());
        this.timelines = new Timelines(db, postCache, viewerCache);
        this.notifications = new Notifications(db);
        this.outbox = new Outbox(db);
        this.importer = new ArchiveImporter(db, posts.rules());
    }

    public static Social create(Database db, Settings settings) {
        return new Social(db, settings);
    }

    public Database database() {
        return db;
    }

    public Settings settings() {
        return settings;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Posts posts() {
        return posts;
    }

    public Relationships relationships() {
        return relationships;
    }

    public Timelines timelines() {
        return timelines;
    }

    public Notifications notifications() {
        return notifications;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Imports of X/Twitter archives and Mastodon exports. */
    public ArchiveImporter importer() {
        return importer;
    }

    /** Each account's consent to its public posts training Starling's models, and the default for new accounts. */
    public TrainingConsent trainingConsent() {
        return trainingConsent;
    }

    /** The consented training corpus, streamed from one consistent snapshot of the database, with its manifest. */
    public TrainingCorpus trainingCorpus() {
        return trainingCorpus;
    }
}
