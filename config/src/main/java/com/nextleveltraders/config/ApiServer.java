package com.nextleveltraders.config;

import java.util.Objects;

/**
 * The HTTP API server: {@code platform.api}.
 *
 * @param region one of {@link Scaling#regions()}
 * @param heap   an instance JVM's maximum heap ({@code -Xmx}) when {@code nlt up} starts it: a whole number
 *               of MiB, at least {@value #MIN_HEAP_MIB} MiB (in Kubernetes, {@code platform.kubernetes} sizes it)
 */
public record ApiServer(String host, int port, DataSize maxRequestBody, String region, String instanceId,
        DataSize heap) {

    /** Below this an instance's pools, caches and Netty buffers do not fit. */
    public static final long MIN_HEAP_MIB = 128;

    public ApiServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(maxRequestBody, "maxRequestBody");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(heap, "heap");
        // 0: any free port, which the instance reports (how `nlt up` starts several on one machine).
        Ranges.of(ApiServer.class)
                .notBlank("host", host)
                .listenPort("port", port)
                .positive("maxRequestBody", maxRequestBody)
                .notBlank("instanceId", instanceId)
                .wholeMebibytes("heap", heap, MIN_HEAP_MIB)
                .check();
    }
}
