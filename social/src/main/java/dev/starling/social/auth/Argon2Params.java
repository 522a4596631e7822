package dev.starling.social.auth;

/**
 * Argon2id cost parameters. {@link #OWASP} is the default: m = 19 MiB (19456 KiB), t = 2, p = 1
 * (OWASP Password Storage Cheat Sheet). Tests may use cheaper parameters to stay fast.
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {

    public static final Argon2Params OWASP = new Argon2Params(19 * 1024, 2, 1);

    public Argon2Params {
        if (memoryKiB < 8 * parallelism || memoryKiB > 1024 * 1024) {
            throw new IllegalArgumentException("memoryKiB must be 8*p..1 GiB, was " + memoryKiB);
        }
        if (iterations < 1 || iterations > 100) {
            throw new IllegalArgumentException("iterations must be 1..100, was " + iterations);
        }
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("parallelism must be 1..16, was " + parallelism);
        }
    }
}
