package dev.starling.app.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.app.Main;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AdminCommandTest {

    @Test
    void grantsListsAndRevokesTheAdminRoleByUsername() {
        try (EmbeddedDatabase pg = EmbeddedDatabase.startTemporary()) {
            long id;
            try (Database db = Database.open(pg.config(2))) {
                id = Social.create(db, Social.Settings.defaults()).accounts()
                        .createWithoutPassword("operator", "operator@example.test", null, false).orThrow().id();
            }
            String[] conn = {"--db-url", pg.jdbcUrl(), "--db-user", EmbeddedDatabase.USER};

            Result none = run(concat(new String[] {"admin", "list"}, conn));
            assertEquals(0, none.code);
            assertTrue(none.out.contains("no admin accounts"), none.out);

            Result granted = run(concat(new String[] {"admin", "grant", "@operator"}, conn));
            assertEquals(0, granted.code, granted.err);
            assertTrue(granted.out.contains("@operator is now an admin"), granted.out);
            assertTrue(isAdmin(pg, id));
            assertTrue(run(concat(new String[] {"admin", "list"}, conn)).out.contains("@operator"));

            Result missing = run(concat(new String[] {"admin", "grant", "nobody"}, conn));
            assertEquals(2, missing.code);
            assertTrue(missing.err.contains("no account @nobody"), missing.err);

            Result revoked = run(concat(new String[] {"admin", "revoke", "operator"}, conn));
            assertEquals(0, revoked.code, revoked.err);
            assertFalse(isAdmin(pg, id));
        }
    }

    private static boolean isAdmin(EmbeddedDatabase pg, long id) {
        try (Database db = Database.open(pg.config(2))) {
            return Social.create(db, Social.Settings.defaults()).accounts().isAdmin(id);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
