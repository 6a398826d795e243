package com.nextleveltraders.gateway;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.RedisServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A gateway on free ports in front of test backends, with a real Redis for its rate limiter and a
 * self-signed certificate made the way {@code nlt up} makes it. Redis and the certificate are shared
 * by every test in this JVM; each test starts its own gateway.
 */
final class TestGateway {

    static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    static final String SECRET = "test-gateway-secret-abcdef";

    private static Path base;
    private static EmbeddedRedis redis;
    private static SelfSignedCertificate.PemFiles certificate;

    private TestGateway() {
    }

    static synchronized Path base() {
        if (base == null) {
            try {
                base = Files.createTempDirectory(Path.of("/tmp"), "nlt-gateway-test-");
                redis = EmbeddedRedis.start(new RedisServerOptions(base.resolve("redis"), base.resolve("redis.log"), 0,
                        ProcessHandle.current().pid(), Map.of()));
                Path dir = base;
                EmbeddedRedis server = redis;
                // Redis first, then its files: nothing of these tests stays behind in /tmp.
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                    server.close();
                    try (var paths = Files.walk(dir)) {
                        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                    } catch (IOException e) {
                        System.err.println("could not remove " + dir + ": " + e.getMessage());
                    }
                }));
                certificate = SelfSignedCertificate.ensure(base.resolve("tls"), List.of("*.nextleveltraders.com"));
                Files.writeString(base.resolve("admin-token"), ADMIN_TOKEN);
                Files.writeString(base.resolve("gateway-secret"), SECRET);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return base;
    }

    static SelfSignedCertificate.PemFiles certificate() {
        base();
        return certificate;
    }

    /**
     * The configuration of a gateway on free ports; {@code loadBalancer} goes inside
     * {@code loadBalancer: { ... }}, {@code gatewayExtra} inside {@code platform.gateway: { ... }}.
     * Every test here comes from one address, so unless {@code loadBalancer} sets a rate limit, a
     * generous one applies.
     */
    static PlatformConfig config(String loadBalancer, String gatewayExtra) {
        return config(loadBalancer, gatewayExtra, "");
    }

    /** As {@link #config(String, String)}, with {@code yaml} (more top-level sections) appended. */
    static PlatformConfig config(String loadBalancer, String gatewayExtra, String yaml) {
        Path dir = base();
        String rateLimit = loadBalancer.contains("rateLimit") ? ""
                : "rateLimit: { requests: 1000000, period: 1m, burst: 100000 }" + (loadBalancer.isEmpty() ? "" : ", ");
        return ConfigLoader.loadYaml("loadBalancer: { " + rateLimit + loadBalancer + " }\n" + """

                redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                platform:
                  redis: { passwordFile: "%s" }
                  gateway: { port: 0, adminPort: 0, certificate: "%s", privateKey: "%s", adminTokenFile: "%s",
                             secretFile: "%s"%s }
                """.formatted(redis.port(), redis.passwordFile(), certificate.certificate(),
                certificate.privateKey(), dir.resolve("admin-token"), dir.resolve("gateway-secret"),
                gatewayExtra.isEmpty() ? "" : ", " + gatewayExtra) + yaml);
    }

    static GatewayServer start(String loadBalancer, String gatewayExtra) {
        return GatewayServer.start(config(loadBalancer, gatewayExtra), Clock.systemUTC());
    }
}
