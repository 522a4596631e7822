package dev.starling.app;

import dev.starling.social.db.Database;
import java.io.PrintStream;
import java.nio.file.Path;

/** Builds the demo network (social's DemoNetwork) when the database has no accounts yet. */
final class Demo {
    private Demo() {}

    /** @return true when content was built, false when the database already had accounts */
    static boolean buildIfEmpty(Database db, long seed, Path corpus, PrintStream log) {
        long accounts = db.withConnection(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM accounts")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        if (accounts > 0) {
            log.println("starling: the database already has " + accounts + " accounts; demo content not rebuilt");
            return false;
        }
        log.println("starling: demo content is not available yet in this build");
        return false;
    }
}
