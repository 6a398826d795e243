package com.nextleveltraders.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Argon2id password-hashing cost: {@code platform.security.argon2}.
 *
 * @param maxWait how long a registration or login waits for a hashing slot before it is refused
 */
public record Argon2(int memoryKiB, int iterations, int parallelism, Duration maxWait) {

    public Argon2 {
        Objects.requireNonNull(maxWait, "maxWait");
        Ranges.of(Argon2.class)
                .atLeast("iterations", iterations, 1)
                .atLeast("parallelism", parallelism, 1)
                .positive("maxWait", maxWait)
                .check();
    }
}
