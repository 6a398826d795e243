package com.nextleveltraders.api;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.EmbeddedRedisCluster;
import com.nextleveltraders.embedded.EmbeddedRedisGroup;
import com.nextleveltraders.embedded.FreePorts;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** API instance configurations pointing at a real replicated Redis tier, on the shared PostgreSQL. */
final class RedisTopologyFixture {

    private RedisTopologyFixture() {
    }

    /** An instance of sentinel mode on {@code group}, with limits no test load reaches. */
    static PlatformConfig sentinelInstance(TestPlatform platform, EmbeddedRedisGroup group, String instanceId) {
        String nodes = nodes(group.nodes(), 1);
        String sentinels = group.sentinels().stream()
                .map(sentinel -> "{ host: " + sentinel.host() + ", port: " + sentinel.port() + " }")
                .collect(Collectors.joining(", "));
        return instance(platform, instanceId, group.passwordFile(), """
                redis:
                  mode: sentinel
                  nodes: [ %s ]
                  sentinel: { masterName: %s, quorum: 2, downAfter: 2s, failoverTimeout: 10s, nodes: [ %s ] }
                """.formatted(nodes, group.masterName(), sentinels));
    }

    /** An instance of cluster mode on {@code cluster} ({@code masters} masters, listed first). */
    static PlatformConfig clusterInstance(TestPlatform platform, EmbeddedRedisCluster cluster, int masters,
            String instanceId) {
        return instance(platform, instanceId, cluster.passwordFile(), """
                redis:
                  mode: cluster
                  nodes: [ %s ]
                  cluster: { masters: %d, replicasPerMaster: %d, nodeTimeout: 2s }
                """.formatted(nodes(cluster.nodes(), masters), masters, cluster.nodes().size() / masters - 1));
    }

    private static String nodes(List<EmbeddedRedis> nodes, int masters) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            text.append(i == 0 ? "" : ", ").append("{ host: ").append(nodes.get(i).host()).append(", port: ")
                    .append(nodes.get(i).port()).append(", role: ").append(i < masters ? "master" : "replica")
                    .append(" }");
        }
        return text.toString();
    }

    private static PlatformConfig instance(TestPlatform platform, String instanceId, Path passwordFile,
            String redis) {
        return ConfigLoader.loadYaml(redis + """
                loadBalancer:
                  rateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                platform:
                  authRateLimit: { requests: 1000000, period: 1m, burst: 100000 }
                  api: { port: %d, instanceId: %s }
                  postgres: { port: %d, passwordFile: "%s" }
                  redis: { passwordFile: "%s" }
                """.formatted(FreePorts.pick(), instanceId, platform.postgres.port(), platform.postgres.passwordFile(),
                passwordFile));
    }

}
