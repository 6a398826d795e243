package com.nextleveltraders.config;

import java.util.Objects;

/** Security parameters: {@code platform.security}. */
public record Security(Argon2 argon2) {

    public Security {
        Objects.requireNonNull(argon2, "argon2");
    }
}
