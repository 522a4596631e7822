package dev.starling.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.TestServer;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Cached token lookups end with every revocation at once, also one made through another store over
 * the same database (as the web settings page has), and a revocation racing lookups never leaves
 * the revoked token usable.
 */
class TokenCacheTest {

    @Test
    void revocationsThroughAnyStoreEndCachedTokens() throws Exception {
        try (Database db = TestServer.freshDatabase()) {
            Social social = Social.create(db, Social.Settings.defaults());
            Account a = social.accounts().createWithoutPassword("tokencache", "tc@example.org", "", false).orThrow();
            OAuthStore api = new OAuthStore(db.dataSource());
            OAuthStore settingsPage = new OAuthStore(db.dataSource());
            long app = api.createApplication("t", "", List.of("urn:ietf:wg:oauth:2.0:oob"), "read").application().id();
            String one = api.createToken(app, a.id(), "read").secret();
            String two = api.createToken(app, a.id(), "read").secret();
            String other = api.createToken(app, null, "read").secret();
            assertTrue(api.findToken(one).isPresent());
            assertTrue(api.findToken(one).isPresent()); // now cached
            assertTrue(settingsPage.revokeToken(one, app));
            assertFalse(api.findToken(one).isPresent(), "revoked through another store");

            assertTrue(api.findToken(two).isPresent());
            assertTrue(api.findToken(other).isPresent());
            assertEquals(1, settingsPage.revokeAllForAccount(a.id()));
            assertFalse(api.findToken(two).isPresent(), "password change revokes every token of the account");
            assertTrue(api.findToken(other).isPresent(), "an app token of nobody stays");
        }
    }

    @Test
    void aRevocationRacingLookupsIsNeverUndone() throws Exception {
        try (Database db = TestServer.freshDatabase(); ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Social social = Social.create(db, Social.Settings.defaults());
            Account a = social.accounts().createWithoutPassword("tokenrace", "tr@example.org", "", false).orThrow();
            OAuthStore store = new OAuthStore(db.dataSource());
            long app = store.createApplication("t", "", List.of("urn:ietf:wg:oauth:2.0:oob"), "read").application().id();
            for (int round = 0; round < 30; round++) {
                String secret = store.createToken(app, a.id(), "read").secret();
                List<Future<?>> lookups = List.of(
                        pool.submit(() -> { for (int i = 0; i < 20; i++) store.findToken(secret); return null; }),
                        pool.submit(() -> { for (int i = 0; i < 20; i++) store.findToken(secret); return null; }));
                if (round % 2 == 0) {
                    store.revokeToken(secret, app);
                } else {
                    store.revokeAllForAccount(a.id());
                }
                for (Future<?> f : lookups) {
                    f.get();
                }
                assertFalse(store.findToken(secret).isPresent(), "round " + round + ": revoked token still found");
                // and the database agrees
                try (var c = db.dataSource().getConnection();
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM oauth_access_tokens WHERE revoked_at IS NULL AND account_id = ?")) {
                    ps.setLong(1, a.id());
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        assertEquals(0, rs.getLong(1));
                    }
                }
            }
        }
    }
}
