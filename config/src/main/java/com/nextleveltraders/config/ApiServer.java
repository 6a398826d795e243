package com.nextleveltraders.config;

import java.util.Objects;

/**
 * The HTTP API server: {@code platform.api}.
 *
 * @param region one of {@link Scaling#regions()}
 */
public record ApiServer(String host, int port, DataSize maxRequestBody, String region, String instanceId) {

    public ApiServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(maxRequestBody, "maxRequestBody");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(instanceId, "instanceId");
        // 0: any free port, which the instance reports (how `nlt up` starts several on one machine).
        Ranges.of(ApiServer.class)
                .notBlank("host", host)
                .listenPort("port", port)
                .positive("maxRequestBody", maxRequestBody)
                .notBlank("instanceId", instanceId)
                .check();
    }
}
