package com.nextleveltraders.config;

import java.util.Objects;

/** Front-end bundle optimisations: {@code assets.bundling}. */
public record Bundling(boolean splitting, boolean minification, boolean treeshaking, Compression compression) {

    public Bundling {
        Objects.requireNonNull(compression, "compression");
    }
}
