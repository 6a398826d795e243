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
    }
}
