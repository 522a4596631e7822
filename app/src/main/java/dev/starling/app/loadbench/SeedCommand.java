package dev.starling.app.loadbench;

import dev.starling.app.DatabaseOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code starling loadbench seed}: fills an empty database with the benchmark network and writes a tokens file. */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Fill an EMPTY Starling database with a synthetic network (COPY, one transaction) and issue bearer tokens.")
public final class SeedCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--accounts", defaultValue = "10000", description = "Accounts. Default: ${DEFAULT-VALUE}")
    int accounts;

    @Option(names = "--follows", defaultValue = "100", description = "Mean follows per account (log-normal, heavy-tailed). Default: ${DEFAULT-VALUE}")
    int follows;

    @Option(names = "--posts", defaultValue = "1000000", description = "Posts. Default: ${DEFAULT-VALUE}")
    long posts;

    @Option(names = "--days", defaultValue = "30", description = "Posts are spread over this many past days. Default: ${DEFAULT-VALUE}")
    int days;

    @Option(names = "--tokens", defaultValue = "1000", description = "Accounts (random sample) that get a bearer token. Default: ${DEFAULT-VALUE}")
    int tokens;

    @Option(names = "--tokens-file", required = true, paramLabel = "FILE", description = "Where to write the tokens (owner-readable only)")
    Path tokensFile;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--no-outbox", description = "Do not write the outbox rows (account.created, follow.created, post.created)")
    boolean noOutbox;

    @Option(names = "--caught-up", split = ",", paramLabel = "CONSUMER",
            description = "Outbox consumers (e.g. trends,assistant) to mark as having read the seeded outbox, so that serve does not "
                    + "spend the benchmark catching up on it (what they derive then lacks the seeded history)")
    java.util.List<String> caughtUp = java.util.List.of();

    @Override
    public Integer call() {
        SeedConfig cfg;
        try {
            cfg = new SeedConfig(accounts, follows, posts, tokens, days, seed, !noOutbox);
        } catch (IllegalArgumentException e) {
            System.err.println("starling loadbench seed: " + e.getMessage());
            return 2;
        }
        System.err.println("starling loadbench seed: opening " + db.describe());
        try (DatabaseOptions.Opened opened = db.open()) {
            Seeder.Report report = new Seeder(opened.database(), Clock.systemUTC(), System.err).seed(cfg);
            BenchToken.write(tokensFile, report.tokens());
            if (!caughtUp.isEmpty()) {
                dev.starling.social.outbox.Outbox outbox = dev.starling.social.Social.create(opened.database(),
                        dev.starling.social.Social.Settings.defaults()).outbox();
                long head = outbox.head(); // each call seals at most 100,000 rows: call until it stops moving
                for (long previous = -1; head != previous; ) {
                    previous = head;
                    head = outbox.head();
                }
                for (String consumer : caughtUp) {
                    outbox.checkpoint(consumer, head); // rejects a malformed consumer name with a message
                }
                System.err.printf("loadbench seed: outbox consumers %s marked as caught up at position %d%n", caughtUp, head);
            }
            System.out.printf("loadbench-seed accounts=%d follows=%d posts=%d post_tags=%d outbox=%d tokens=%d copy_s=%.1f vacuum_s=%.1f tokens_s=%.1f%n",
                    report.accounts(), report.follows(), report.posts(), report.postTags(), report.outboxRows(), report.tokens().size(),
                    report.copyMillis() / 1000.0, report.vacuumMillis() / 1000.0, report.tokenMillis() / 1000.0);
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("starling loadbench seed: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
