package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.PostgresEndpoint;
import com.nextleveltraders.config.RedisAddress;
import com.nextleveltraders.config.RedisEndpoint;
import com.nextleveltraders.config.RedisNode;
import com.nextleveltraders.config.RedisRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {

    @TempDir
    Path dir;

    private final PostgresEndpoint catalog = new PostgresEndpoint("127.0.0.1", 40001, "nlt", "nlt",
            Path.of("/data/postgres/password"));
    private final List<RedisNode> nodes = List.of(new RedisNode("127.0.0.1", 40002, RedisRole.MASTER),
            new RedisNode("127.0.0.1", 40003, RedisRole.REPLICA), new RedisNode("127.0.0.1", 40004, RedisRole.REPLICA));
    private final List<RedisAddress> sentinels = List.of(new RedisAddress("127.0.0.1", 40005),
            new RedisAddress("127.0.0.1", 40006), new RedisAddress("127.0.0.1", 40007));

    @Test
    void theServersFileSetsWhereEveryServerIsAndNothingElse() throws Exception {
        Path file = dir.resolve("servers.yaml");
        RunFiles.writeServers(file, catalog, new LocalRedis.Endpoints(nodes, sentinels, Path.of("/data/redis.pw")));

        PlatformConfig loaded = ConfigLoader.load(List.of(file));
        assertThat(loaded.platform().postgres()).isEqualTo(catalog);
        assertThat(loaded.platform().redis()).isEqualTo(new RedisEndpoint(Path.of("/data/redis.pw")));
        assertThat(loaded.redis().nodes()).isEqualTo(nodes);
        assertThat(loaded.redis().sentinel().nodes()).isEqualTo(sentinels);
        // Read as the shards tests and tools read it: plain YAML, no configuration classes.
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        assertThat(tree.at("/platform/postgres/port").asInt()).isEqualTo(40001);
        assertThat(tree.at("/platform/postgres/database").asText()).isEqualTo("nlt");
        assertThat(tree.at("/platform/postgres/passwordFile").asText()).isEqualTo("/data/postgres/password");
        assertThat(tree.at("/redis/nodes/1/role").asText()).isEqualTo("replica");
        assertThat(fieldNames(tree)).containsExactly("redis", "platform");
        assertThat(fieldNames(tree.get("platform"))).containsExactly("postgres", "redis");
        assertThat(Files.readString(file)).startsWith("# Written by `nlt up` at every start");
    }

    @Test
    void withoutSentinelsTheServersFileLeavesTheSentinelSectionToTheConfiguration() throws Exception {
        Path file = dir.resolve("servers.yaml");
        RunFiles.writeServers(file, catalog, new LocalRedis.Endpoints(nodes.subList(0, 1), List.of(),
                Path.of("/data/redis.pw")));

        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        assertThat(fieldNames(tree.get("redis"))).containsExactly("nodes");
    }

    @Test
    void theGatewayFileSetsItsPortsAndFilesAndACertificateOnlyWhenOneWasMade() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        RunFiles.writeGateway(file, 18480, Path.of("/s/secret"), Path.of("/s/token"), null, null,
                Path.of("/run/alerts.json"), null, Path.of("/run/fleet.json"));
        JsonNode gateway = new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).at("/platform/gateway");
        assertThat(fieldNames(gateway)).containsExactly("port", "adminPort", "secretFile", "adminTokenFile",
                "alertsFile", "fleetFile");
        assertThat(gateway.get("adminPort").asInt()).isZero();

        RunFiles.writeGateway(file, 18480, Path.of("/s/secret"), Path.of("/s/token"), Path.of("/tls/cert.pem"),
                Path.of("/tls/key.pem"), Path.of("/run/alerts.json"), Path.of("/repo/web/dist"),
                Path.of("/run/fleet.json"));
        PlatformConfig loaded = ConfigLoader.load(List.of(file));
        assertThat(loaded.platform().gateway().alertsFile()).isEqualTo(Path.of("/run/alerts.json"));
        assertThat(loaded.platform().gateway().fleetFile()).isEqualTo(Path.of("/run/fleet.json"));
        assertThat(loaded.platform().gateway().port()).isEqualTo(18480);
        assertThat(loaded.platform().gateway().certificate()).isEqualTo(Path.of("/tls/cert.pem"));
        assertThat(loaded.platform().gateway().privateKey()).isEqualTo(Path.of("/tls/key.pem"));
        assertThat(loaded.platform().gateway().adminTokenFile()).isEqualTo(Path.of("/s/token"));
        assertThat(loaded.platform().gateway().webRoot()).isEqualTo(Path.of("/repo/web/dist"));
    }

    @Test
    void anInstanceFileSetsItsIdRegionAnyPortAndTheGatewaysSecretAndAdminToken() throws Exception {
        Path file = dir.resolve("api-2.yaml");
        RunFiles.writeInstance(file, "api-2", "lhr1", Path.of("/s/secret"), Path.of("/s/admin-token"));

        PlatformConfig loaded = ConfigLoader.load(List.of(file));
        assertThat(loaded.platform().api().instanceId()).isEqualTo("api-2");
        assertThat(loaded.platform().api().region()).isEqualTo("lhr1");
        assertThat(loaded.platform().api().port()).isZero();
        assertThat(loaded.platform().gateway().secretFile()).isEqualTo(Path.of("/s/secret"));
        assertThat(loaded.platform().gateway().adminTokenFile()).isEqualTo(Path.of("/s/admin-token"));
        JsonNode platform = new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).get("platform");
        assertThat(fieldNames(platform.get("api"))).containsExactly("port", "instanceId", "region");
        assertThat(fieldNames(platform.get("gateway"))).containsExactly("secretFile", "adminTokenFile");
        assertThat(Files.readString(file)).startsWith("# Written by `nlt up` for instance api-2.\n");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
