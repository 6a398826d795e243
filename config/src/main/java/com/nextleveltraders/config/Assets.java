package com.nextleveltraders.config;

import java.util.Objects;

/** Image variants and front-end bundling: {@code assets}. */
public record Assets(Images images, Bundling bundling) {

    public Assets {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(bundling, "bundling");
    }
}
