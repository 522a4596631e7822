package dev.starling.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {
    @Test
    void everyCommandHasHelpAndTheRootHasAVersion() {
        CommandLine cl = Main.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            if (name.equals("help")) continue;
            StringWriter out = new StringWriter();
            CommandLine sub = Main.commandLine();
            sub.setOut(new PrintWriter(out));
            int code = sub.execute(name, "--help");
            assertEquals(0, code, name + " --help");
            assertTrue(out.toString().contains("Usage: starling " + name), name + " --help prints its usage:\n" + out);
        }
        StringWriter version = new StringWriter();
        CommandLine root = Main.commandLine();
        root.setOut(new PrintWriter(version));
        assertEquals(0, root.execute("--version"));
        assertTrue(version.toString().startsWith("starling "), version.toString());
        StringWriter err = new StringWriter();
        CommandLine bad = Main.commandLine();
        bad.setErr(new PrintWriter(err));
        assertEquals(2, bad.execute("serve", "--port", "notaport"), "bad options are usage errors");
        assertTrue(err.toString().contains("--port"), err.toString());
    }

    @Test
    void importsATwitterArchiveIdempotentlyIntoTheEmbeddedDatabase(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Mode.DURABLE);
             Database db = Database.open(pg.config(4))) {
            Social.create(db, Social.Settings.defaults()).accounts().createWithoutPassword("importer", "importer@example.test", null, false).orThrow();
        }
        Path tweets = tmp.resolve("tweets.js");
        Files.writeString(tweets, """
                window.YTD.tweets.part0 = [
                  {"tweet": {"id_str": "1", "full_text": "first #imported", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}},
                  {"tweet": {"id_str": "2", "full_text": "second", "created_at": "Wed Oct 10 21:19:24 +0000 2018"}}
                ]
                """);
        String first = run("import", "twitter", "--account", "importer", "--data-dir", data.toString(), tweets.toString());
        assertTrue(first.contains("imported 2 of 2 items"), first);
        String again = run("import", "twitter", "--account", "importer", "--data-dir", data.toString(), tweets.toString());
        assertTrue(again.contains("imported 0 of 2 items") && again.contains("2 already imported"), again);
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(data, 0, EmbeddedDatabase.Mode.DURABLE);
             Database db = Database.open(pg.config(4))) {
            Social social = Social.create(db, Social.Settings.defaults());
            Account a = social.accounts().byUsername("importer").orElseThrow();
            assertEquals(2, social.timelines().account(a.id(), a.id(), dev.starling.social.timelines.AccountFilter.NONE, Page.first()).items().size());
        }
        assertEquals(2, Main.commandLine().execute("import", "twitter", "--account", "nobody", "--data-dir", data.toString(), tweets.toString()));
    }

    @Test
    void dbUrlPointsTheCommandsAtAnExternalPostgres(@TempDir Path tmp) throws Exception {
        try (EmbeddedDatabase external = EmbeddedDatabase.startTemporary()) {
            try (Database db = Database.open(external.config(2))) {
                Social.create(db, Social.Settings.defaults()).accounts().createWithoutPassword("outside", "outside@example.test", null, false).orThrow();
            }
            Path tweets = tmp.resolve("tweets.js");
            Files.writeString(tweets, "[{\"tweet\": {\"id_str\": \"7\", \"full_text\": \"from afar\", \"created_at\": \"Wed Oct 10 20:19:24 +0000 2018\"}}]");
            Path unusedDataDir = tmp.resolve("unused");
            String out = run("import", "twitter", "--account", "outside", "--db-url", external.jdbcUrl(),
                    "--db-user", EmbeddedDatabase.USER, "--data-dir", unusedDataDir.toString(), tweets.toString());
            assertTrue(out.contains("imported 1 of 1 items"), out);
            assertTrue(!Files.exists(unusedDataDir.resolve("postgres")), "no embedded PostgreSQL was started");
        }
    }

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.commandLine().execute(args));
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
