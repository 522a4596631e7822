package dev.starling.server.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Live access tokens by the SHA-256 of their secret, so that a request does not look its bearer
 * token up in the database every time. One cache for the process, shared by every
 * {@link OAuthStore} over the same {@link DataSource} (the web settings page has its own store),
 * and emptied by their revocations: the only ways a live token stops being live are
 * {@link OAuthStore#revokeToken} and {@link OAuthStore#revokeAllForAccount} (Starling deletes no
 * accounts or applications). A revocation and a concurrent lookup cannot leave a revoked token
 * cached: a lookup caches only if no revocation happened since it started reading (a generation
 * counter, checked and bumped under one lock). Entries also expire after
 * {@link #TIME_TO_LIVE}, bounding what a change made outside this process could leave behind.
 * At most {@link #MAX_ENTRIES} tokens.
 */
final class TokenCache {

    static final int MAX_ENTRIES = 100_000;
    static final Duration TIME_TO_LIVE = Duration.ofMinutes(5);

    private record Key(DataSource dataSource, ByteBuffer tokenHash) {
    }

    private final Cache<Key, OAuthStore.AccessToken> cache = Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES)
            .expireAfterWrite(TIME_TO_LIVE)
            .build();
    private long generation;

    /** The cached live token, if any. */
    Optional<OAuthStore.AccessToken> get(DataSource ds, byte[] tokenHash) {
        return Optional.ofNullable(cache.getIfPresent(new Key(ds, ByteBuffer.wrap(tokenHash))));
    }

    /** The generation to pass to {@link #put}: read it before reading the database. */
    synchronized long generation() {
        return generation;
    }

    /** Caches a token read from the database, unless a revocation happened since {@code generationBefore}. */
    synchronized void put(DataSource ds, byte[] tokenHash, OAuthStore.AccessToken token, long generationBefore) {
        if (generation == generationBefore) {
            cache.put(new Key(ds, ByteBuffer.wrap(tokenHash.clone())), token);
        }
    }

    /** After revoking the token with this hash in the database. */
    synchronized void revoked(DataSource ds, byte[] tokenHash) {
        generation++;
        cache.invalidate(new Key(ds, ByteBuffer.wrap(tokenHash)));
    }

    /** After revoking every token of an account in the database. */
    synchronized void revokedAccount(DataSource ds, long accountId) {
        generation++;
        cache.asMap().entrySet().removeIf(e -> e.getKey().dataSource() == ds && e.getValue().accountId() != null
                && e.getValue().accountId() == accountId);
    }
}
