package dev.starling.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code starling import twitter|mastodon --account NAME FILE}. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an X/Twitter archive (data/tweets.js) or a Mastodon export (outbox.json) into an account. Idempotent.")
public final class ImportCommand implements Callable<Integer> {
    enum Source { twitter, mastodon }

    @Mixin
    DatabaseOptions db;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "twitter or mastodon")
    Source source;

    @Parameters(index = "1", paramLabel = "FILE", description = "tweets.js (Twitter) or outbox.json (Mastodon)")
    Path file;

    @Option(names = "--account", required = true, paramLabel = "NAME", description = "Username of the account that receives the posts")
    String account;

    @Override
    public Integer call() {
        System.err.println("starling: import is not available yet in this build");
        return 2;
    }
}
