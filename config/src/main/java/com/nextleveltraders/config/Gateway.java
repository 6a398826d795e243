package com.nextleveltraders.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway in front of the API instances: {@code platform.gateway}. The strategy's load balancer
 * settings (algorithm, health checks, TLS, rate limit) stay in {@code loadBalancer}; these are how
 * this platform's own gateway process runs.
 *
 * @param host              address the public port binds to
 * @param port              the public port: HTTPS, and plain HTTP from loopback clients only
 * @param adminPort         loopback-only port of the admin API (its own token) and the metrics
 * @param certificate       PEM certificate chain, or {@code null}: {@code nlt up} then makes a
 *                          self-signed one for {@code loadBalancer.ssl.certificates} and localhost
 * @param privateKey        PEM private key of {@code certificate}
 * @param secretFile        secret the gateway sends to the instances; a request carrying it was
 *                          rate-limited at the gateway already. {@code null}: instances limit themselves
 * @param adminTokenFile    bearer token of the admin API; {@code null} disables the admin API
 * @param slowStart         how long a backend that just became healthy ramps up to a full share
 * @param fastCheckInterval health check interval while a backend is down or changing state
 *                          (HAProxy's {@code fastinter}); {@code loadBalancer.healthCheck.interval} otherwise
 * @param drainTimeout      how long a backend being removed may finish its in-flight requests
 * @param responseTimeout   how long the gateway waits for a backend's answer
 * @param retries           how many other backends an idempotent request that failed to reach one may try
 * @param alertsFile        the monitor's state, which {@code GET /admin/alerts} serves; {@code null} when no
 *                          monitor runs beside this gateway ({@code nlt up} sets it)
 * @param heap              the gateway JVM's maximum heap ({@code -Xmx}) when {@code nlt up} starts it: a whole
 *                          number of MiB, at least {@value #MIN_HEAP_MIB} MiB
 * @param webRoot           the built web app ({@code web/dist}: {@code index.html}, {@code assets/}) that the
 *                          public port serves beside the API; {@code null} serves no web app ({@code nlt up}
 *                          sets it when the repository holds a build)
 * @param fleetFile         the launcher's view of the fleet (instances, autoscaler, PostgreSQL, Redis), which
 *                          {@code GET /admin/fleet} serves to the operations dashboard; {@code null} when no
 *                          launcher runs beside this gateway ({@code nlt up} sets it)
 */
public record Gateway(String host, int port, int adminPort, Path certificate, Path privateKey, Path secretFile,
        Path adminTokenFile, Duration slowStart, Duration fastCheckInterval, Duration drainTimeout,
        Duration responseTimeout, int retries, Path alertsFile, DataSize heap, Path webRoot, Path fleetFile) {

    /** Below this the gateway's Netty buffers and TLS sessions do not fit. */
    public static final long MIN_HEAP_MIB = 64;

    private static final int MAX_RETRIES = 9;

    public Gateway {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(slowStart, "slowStart");
        Objects.requireNonNull(fastCheckInterval, "fastCheckInterval");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(heap, "heap");
        Ranges.of(Gateway.class)
                .notBlank("host", host)
                .listenPort("port", port)
                .listenPort("adminPort", adminPort)
                .positive("fastCheckInterval", fastCheckInterval)
                .positive("drainTimeout", drainTimeout)
                .positive("responseTimeout", responseTimeout)
                .between("retries", retries, 0, MAX_RETRIES)
                .wholeMebibytes("heap", heap, MIN_HEAP_MIB)
                .check();
    }

}
