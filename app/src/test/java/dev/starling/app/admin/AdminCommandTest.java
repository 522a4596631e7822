package dev.starling.app.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.app.CliRun;
import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.db.EmbeddedDatabase;
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

            CliRun none = run(concat(new String[] {"admin", "list"}, conn));
            assertEquals(0, none.code());
            assertTrue(none.out().contains("no admin accounts"), none.out());

            CliRun granted = run(concat(new String[] {"admin", "grant", "@operator"}, conn));
            assertEquals(0, granted.code(), granted.err());
            assertTrue(granted.out().contains("@operator is now an admin"), granted.out());
            assertTrue(isAdmin(pg, id));
            assertTrue(run(concat(new String[] {"admin", "list"}, conn)).out().contains("@operator"));

            CliRun missing = run(concat(new String[] {"admin", "grant", "nobody"}, conn));
            assertEquals(2, missing.code());
            assertTrue(missing.err().contains("no account @nobody"), missing.err());

            CliRun revoked = run(concat(new String[] {"admin", "revoke", "operator"}, conn));
            assertEquals(0, revoked.code(), revoked.err());
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

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
