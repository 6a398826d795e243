package com.nextleveltraders.config;

import java.util.Objects;

/** Server counts and storage at one stage of the infrastructure plan. */
public record InfrastructureStage(int webServers, int dbServers, int cacheNodes, DataSize storage) {

    public InfrastructureStage {
        Objects.requireNonNull(storage, "storage");
        Ranges.of(InfrastructureStage.class)
                .atLeast("webServers", webServers, 1)
                .atLeast("dbServers", dbServers, 1)
                .atLeast("cacheNodes", cacheNodes, 1)
                .positive("storage", storage)
                .check();
    }
}
