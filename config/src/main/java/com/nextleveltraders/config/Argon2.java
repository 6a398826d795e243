package com.nextleveltraders.config;

/** Argon2id password-hashing cost: {@code platform.security.argon2}. */
public record Argon2(int memoryKiB, int iterations, int parallelism) {
}
