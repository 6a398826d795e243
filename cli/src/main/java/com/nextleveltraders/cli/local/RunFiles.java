package com.nextleveltraders.cli.local;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.config.RedisAddress;
import com.nextleveltraders.config.RedisEndpoint;
import com.nextleveltraders.config.RedisNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The override files `nlt up` writes in {@code DIR/run} and passes to its children after the
 * user's: where the servers are, the gateway's ports and files, each instance's id. Each is
 * written from records standing for part of the configuration ({@link ConfigLoader#toOverrideYaml}),
 * so a key that the configuration does not have, or a value of another type, fails at once.
 */
final class RunFiles {

    static final String SERVERS_FILE = "servers.yaml";
    static final String GATEWAY_FILE = "gateway.yaml";

    // The parts below are public because the config module reads their components by reflection.

    /** {@code redis.nodes}, {@code redis.sentinel.nodes} and the endpoints in {@code platform}. */
    public record Servers(ServersRedis redis, ServersPlatform platform) {
    }

    /** @param sentinel {@code null} unless Sentinels run */
    public record ServersRedis(List<RedisNode> nodes, Sentinels sentinel) {
    }

    public record Sentinels(List<RedisAddress> nodes) {
    }

    public record ServersPlatform(PostgresEndpoint postgres, RedisEndpoint redis) {
    }

    /** {@code platform.gateway}: what `nlt up` decides about the gateway process. */
    public record GatewayFile(GatewayPlatform platform) {
    }

    public record GatewayPlatform(GatewayPart gateway) {
    }

    /**
     * @param certificate {@code null} (left to the configuration) unless `nlt up` made a self-signed one
     * @param webRoot     {@code null} (left to the configuration) unless `nlt up` found a built web app
     * @param fleetFile   the launcher's view of the fleet ({@link LocalFleet}), which {@code GET /admin/fleet} serves
     */
    public record GatewayPart(int port, int adminPort, Path secretFile, Path adminTokenFile, Path certificate,
            Path privateKey, Path alertsFile, Path webRoot, Path fleetFile) {
    }

    /** {@code platform.api} and the gateway's secret and admin token, for one instance. */
    public record InstanceFile(InstancePlatform platform) {
    }

    public record InstancePlatform(InstanceApi api, InstanceGateway gateway) {
    }

    public record InstanceApi(int port, String instanceId, String region) {
    }

    /** @param adminTokenFile the gateway's admin token, which the instance's fault switch takes; null for none */
    public record InstanceGateway(Path secretFile, Path adminTokenFile) {
    }

    private RunFiles() {
    }

    /** Where the servers `nlt up` started are, for the instances and for commands against a running platform. */
    static void writeServers(Path file, PostgresEndpoint catalog, LocalRedis.Endpoints redis) throws IOException {
        Sentinels sentinels = redis.sentinels().isEmpty() ? null : new Sentinels(redis.sentinels());
        Servers servers = new Servers(new ServersRedis(redis.nodes(), sentinels),
                new ServersPlatform(catalog, new RedisEndpoint(redis.passwordFile())));
        write(file, "# Written by `nlt up` at every start: where the platform's servers are.\n", servers);
    }

    /**
     * The gateway's public port, an admin port of the system's choosing (several platforms may run on
     * one machine), its secret and admin token, a certificate when `nlt up` made one, the monitor's
     * state that its {@code /admin/alerts} serves, the built web app when there is one, and the launcher's view of
     * the fleet that its {@code /admin/fleet} serves.
     */
    static void writeGateway(Path file, int port, Path secret, Path adminToken, Path certificate, Path privateKey,
            Path alertsFile, Path webRoot, Path fleetFile) throws IOException {
        GatewayPart gateway = new GatewayPart(port, 0, secret, adminToken, certificate, privateKey, alertsFile,
                webRoot, fleetFile);
        write(file, "# Written by `nlt up` at every start: the gateway's ports and files.\n",
                new GatewayFile(new GatewayPlatform(gateway)));
    }

    /**
     * An instance's id and region, a port of the system's choosing, the secret shared with the
     * gateway, and the gateway's admin token, which opens the instance's fault switch ({@code /admin/faults}).
     */
    static void writeInstance(Path file, String id, String region, Path gatewaySecret, Path adminToken)
            throws IOException {
        InstancePlatform platform = new InstancePlatform(new InstanceApi(0, id, region),
                new InstanceGateway(gatewaySecret, adminToken));
        write(file, "# Written by `nlt up` for instance " + id + ".\n", new InstanceFile(platform));
    }

    private static void write(Path file, String header, Record part) throws IOException {
        Files.writeString(file, header + ConfigLoader.toOverrideYaml(part));
    }
}
