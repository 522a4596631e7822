package dev.starling.app;

import dev.starling.social.db.Database;
import dev.starling.social.demo.Corpus;
import dev.starling.social.demo.DemoNetwork;
import dev.starling.social.demo.DemoSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Builds the demo network (social's {@link DemoNetwork}) when the database has no accounts yet. */
final class Demo {
    private Demo() {}

    /** @return true when content was built, false when the database already had accounts */
    static boolean buildIfEmpty(Database db, long seed, Path corpusFile, PrintStream log) {
        long accounts = db.withConnection(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM accounts")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        if (accounts > 0) {
            log.println("starling: the database already has " + accounts + " accounts; demo content left as it is");
            return false;
        }
        Corpus corpus;
        try {
            corpus = corpusFile == null ? Corpus.defaultCorpus() : Corpus.fromFile(corpusFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus " + corpusFile + ": " + e.getMessage(), e);
        }
        log.println("starling: building the demo network (seed " + seed + ", corpus " + corpus.name() + ", " + corpus.texts().size() + " texts"
                + (corpus.skipped() > 0 ? ", " + corpus.skipped() + " lines skipped" : "") + ")...");
        DemoSummary s = DemoNetwork.build(db, seed, corpus);
        log.println("starling: demo network: " + s.accounts() + " accounts, " + s.follows() + " follows, " + s.posts() + " posts, "
                + s.replies() + " replies, " + s.reposts() + " reposts, " + s.favourites() + " likes in " + s.elapsedMillis() + " ms");
        log.println("starling: " + s.consentingAccounts() + " of " + s.accounts() + " demo accounts consent to training on their public posts"
                + (s.adminUsername() != null ? "; @" + s.adminUsername() + " is the admin (grant your own account with `starling admin grant USERNAME`)" : ""));
        for (DemoSummary.Event e : s.events()) {
            log.println("starling: trending now (see Explore): #" + e.tag() + ", \"" + e.phrase() + "\" (" + e.accounts() + " accounts, " + e.posts() + " posts)");
        }
        if (!s.usernames().isEmpty()) {
            log.println("starling: most followed: " + String.join(", ", s.usernames().subList(0, Math.min(5, s.usernames().size())))
                    + " (demo accounts have no password; sign up your own account to post)");
        }
        return s.created();
    }
}
