package dev.starling.social.auth;

import dev.starling.social.common.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (BouncyCastle), encoded as a PHC string that records its
 * parameters: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<hash b64>} (unpadded standard
 * Base64, 16-byte salt, 32-byte hash). The whole password (12..128 code points, UTF-8) is hashed,
 * never truncated. {@link #needsRehash} tells a successful sign-in to store a new hash when the
 * configured parameters have changed.
 */
public final class Passwords {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Argon2Params params;
    private final SecureRandom random = new SecureRandom();
    /** A hash of a random password with the current params, verified when an account is missing. */
    private final String dummyHash;

    public Passwords(Argon2Params params) {
        this.params = params;
        byte[] junk = new byte[24];
        random.nextBytes(junk);
        this.dummyHash = hash(B64.encodeToString(junk));
    }

    public Passwords() {
        this(Argon2Params.OWASP);
    }

    public Argon2Params params() {
        return params;
    }

    /** Empty when acceptable, else the reason (length 12..128 code points; no NUL). */
    public static Optional<Rejection> validate(String password) {
        if (password == null) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "password is required"));
        }
        int n = password.codePointCount(0, password.length());
        if (n < MIN_LENGTH) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "password is too short (minimum is " + MIN_LENGTH + " characters)"));
        }
        if (n > MAX_LENGTH) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "password is too long (maximum is " + MAX_LENGTH + " characters)"));
        }
        if (password.indexOf('\0') >= 0) {
            return Optional.of(new Rejection(Rejection.Kind.INVALID, "password must not contain NUL characters"));
        }
        return Optional.empty();
    }

    /** Hashes with the configured parameters and a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = argon2(password.getBytes(StandardCharsets.UTF_8), salt, params, HASH_BYTES);
        return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p=" + params.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
    }

    /**
     * True when {@code password} matches {@code phc}. A null or malformed {@code phc} verifies
     * against a dummy hash (same work) and returns false, so timing does not reveal a missing account.
     */
    public boolean verify(String password, String phc) {
        Parsed p = phc == null ? null : parse(phc);
        if (p == null || password == null) {
            Parsed dummy = parse(dummyHash);
            argon2((password == null ? "" : password).getBytes(StandardCharsets.UTF_8), dummy.salt, dummy.params, dummy.hash.length);
            return false;
        }
        byte[] actual = argon2(password.getBytes(StandardCharsets.UTF_8), p.salt, p.params, p.hash.length);
        return MessageDigest.isEqual(actual, p.hash);
    }

    /** Does the same work as a failed {@link #verify} of a missing account. */
    public void verifyDummy(String password) {
        verify(password, null);
    }

    /** True when {@code phc} was made with other parameters (or another format) than the configured ones. */
    public boolean needsRehash(String phc) {
        Parsed p = phc == null ? null : parse(phc);
        return p == null || !p.params.equals(params) || p.hash.length != HASH_BYTES || p.salt.length != SALT_BYTES;
    }

    private record Parsed(Argon2Params params, byte[] salt, byte[] hash) {
    }

    /** Parses {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}; null when malformed. */
    private static Parsed parse(String phc) {
        String[] parts = phc.split("\\$", -1);
        if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return null;
        }
        try {
            int m = -1;
            int t = -1;
            int par = -1;
            for (String kv : parts[3].split(",", -1)) {
                String[] pair = kv.split("=", 2);
                if (pair.length != 2) {
                    return null;
                }
                int v = Integer.parseInt(pair[1]);
                switch (pair[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> par = v;
                    default -> {
                        return null;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] hash = B64D.decode(parts[5]);
            if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
                return null;
            }
            return new Parsed(new Argon2Params(m, t, par), salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] argon2(byte[] password, byte[] salt, Argon2Params p, int outBytes) {
        Argon2Parameters a = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(a);
        byte[] out = new byte[outBytes];
        gen.generateBytes(password, out);
        return out;
    }
}
