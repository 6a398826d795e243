package com.nextleveltraders.config;

import java.util.Objects;

/** Expected growth: {@code capacity.growth}. */
public record Growth(UserGrowth users, DataGrowth data) {

    public Growth {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(data, "data");
    }
}
