package com.nextleveltraders.config;

import java.util.Objects;

/**
 * Resources one active user needs: {@code capacity.perUser}.
 *
 * @param cpu fraction of one CPU core
 */
public record PerUser(double cpu, DataSize memory, DataSize storage) {

    public PerUser {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(storage, "storage");
        Ranges.of(PerUser.class)
                .positive("cpu", cpu)
                .positive("memory", memory)
                .positive("storage", storage)
                .check();
    }
}
