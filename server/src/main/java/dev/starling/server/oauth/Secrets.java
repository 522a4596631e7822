package dev.starling.server.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets (tokens, client ids, codes) and their SHA-256 hashes for storage. */
public final class Secrets {
    /** 256 random bits per secret: well above the 128 bits a bearer token needs. */
    public static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * A fresh SHA-256 digest, never updated, cloned for each hash: every API request hashes its bearer token, and
     * {@code MessageDigest.getInstance} looked the algorithm up in the providers and checked its constraints each time.
     */
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    private Secrets() {}

    /** A new URL-safe random secret of {@link #SECRET_BYTES} bytes (43 characters). */
    public static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String secret) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            digest = newSha256();
        }
        return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** PKCE S256: BASE64URL(SHA256(ASCII(code_verifier))) without padding (RFC 7636 4.2). */
    public static String s256Challenge(String codeVerifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(codeVerifier));
    }
}
