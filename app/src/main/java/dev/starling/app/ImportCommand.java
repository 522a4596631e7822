package dev.starling.app;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.imports.ArchiveImporter;
import dev.starling.social.imports.ImportResult;
import dev.starling.social.posts.PostText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code starling import twitter|mastodon --account NAME FILE}: an archive into an account, idempotently, with a progress bar. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an X/Twitter archive (data/tweets.js) or a Mastodon export (outbox.json) into an account. Idempotent: "
                + "running it again imports only what is new.")
public final class ImportCommand implements Callable<Integer> {
    enum Source { twitter, mastodon }

    @Mixin
    DatabaseOptions db;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "twitter or mastodon")
    Source source;

    @Parameters(index = "1", paramLabel = "FILE", description = "tweets.js (Twitter/X archive) or outbox.json (Mastodon export)")
    Path file;

    @Option(names = "--account", required = true, paramLabel = "NAME", description = "Username of the existing account that receives the posts")
    String account;

    @Option(names = "--max-post-chars", defaultValue = "280", description = "Longest post accepted (twitter-text weighted length). Default: ${DEFAULT-VALUE}")
    int maxPostChars;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            System.err.println("starling import: no such file: " + file);
            return 2;
        }
        System.err.println("starling: opening " + db.describe());
        try (DatabaseOptions.Opened opened = db.open()) {
            Social social = Social.create(opened.database(), Social.Settings.defaults().withMaxPostWeightedLength(maxPostChars));
            Optional<Account> target = social.accounts().byUsername(account);
            if (target.isEmpty()) {
                System.err.println("starling import: no account named '" + account + "' (sign up first)");
                return 2;
            }
            ArchiveImporter importer = new ArchiveImporter(opened.database(), new PostText(maxPostChars));
            ProgressBar bar = new ProgressBar(System.err, "importing " + file.getFileName());
            Outcome<ImportResult> outcome = switch (source) {
                case twitter -> importer.importTwitter(target.get().id(), file, (done, total, imported, skipped) ->
                        bar.update(done, total, imported + " imported, " + skipped + " skipped"));
                case mastodon -> importer.importMastodon(target.get().id(), file, (done, total, imported, skipped) ->
                        bar.update(done, total, imported + " imported, " + skipped + " skipped"));
            };
            bar.finish();
            if (outcome instanceof Outcome.Rejected<ImportResult> r) {
                System.err.println("starling import: " + r.rejection().message());
                return 1;
            }
            ImportResult result = outcome.orThrow();
            System.out.println("imported " + result.imported() + " of " + result.read() + " items from " + result.source() + " into @" + account
                    + " (" + result.alreadyImported() + " already imported, " + result.skipped() + " skipped)");
            for (String reason : result.skipReasons()) System.out.println("  skipped: " + reason);
            return 0;
        }
    }
}
