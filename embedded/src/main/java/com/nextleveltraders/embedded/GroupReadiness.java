package com.nextleveltraders.embedded;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Waits until a Sentinel group can fail over: its replicas in sync with the master, its sentinels informed. */
final class GroupReadiness {

    /** A replica's first sync copies the master's whole data set. */
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);
    /** Sentinels find replicas through the master's INFO (at once) and each other through hello messages (2 s). */
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(60);

    private final String masterName;
    private final String password;

    GroupReadiness(String masterName, String password) {
        this.masterName = masterName;
        this.password = password;
    }

    void awaitReplicasOnline(int masterPort, Set<Integer> replicaPorts) {
        SettleWait.until(SYNC_TIMEOUT, "the master on port " + masterPort + " has replicas " + replicaPorts + " online",
                () -> {
                    Map<String, String> info = RespClient.fields(RespClient.call(RedisServers.HOST, masterPort,
                            password, "INFO", "replication").toString());
                    Set<Integer> online = new TreeSet<>();
                    info.forEach((name, value) -> {
                        Map<String, String> replica = commaFields(value);
                        if (name.matches("slave[0-9]+") && "online".equals(replica.get("state"))) {
                            online.add(Integer.parseInt(replica.getOrDefault("port", "0")));
                        }
                    });
                    return online.containsAll(replicaPorts) ? null : "online replicas " + online;
                });
    }

    /** {@code ip=127.0.0.1,port=7001,state=online} as a map. */
    private static Map<String, String> commaFields(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }

    /**
     * Until a sentinel knows the replicas it cannot promote one, and until it knows the other sentinels it cannot
     * gather the votes for a failover: wait for both.
     */
    void awaitSentinelInformed(EmbeddedSentinel sentinel, RedisServerAddress master, Set<Integer> replicaPorts,
                               int otherSentinels) {
        SettleWait.until(DISCOVERY_TIMEOUT, "sentinel " + sentinel.port() + " knows master " + master + ", replicas "
                + replicaPorts + " and " + otherSentinels + " other sentinel(s)", () -> {
            try (RespClient client = RespClient.connect(sentinel.host(), sentinel.port(), password)) {
                Optional<RedisServerAddress> known = EmbeddedSentinel.masterAddress(client, masterName);
                if (!known.equals(Optional.of(master))) {
                    return "master " + known.map(RedisServerAddress::toString).orElse("unknown");
                }
                Set<Integer> replicas = healthyPorts(client.list("SENTINEL", "replicas", masterName));
                Set<Integer> peers = healthyPorts(client.list("SENTINEL", "sentinels", masterName));
                if (!replicas.containsAll(replicaPorts) || peers.size() < otherSentinels) {
                    return "replicas " + replicas + ", sentinels " + peers;
                }
                return null;
            }
        });
    }

    /** Only what holds even mid-failover or with a node down: the sentinel knows a master. */
    void awaitSentinelKnowsAMaster(EmbeddedSentinel sentinel) {
        SettleWait.until(DISCOVERY_TIMEOUT, "sentinel " + sentinel.port() + " knows a master", () -> {
            try (RespClient client = RespClient.connect(sentinel.host(), sentinel.port(), password)) {
                return EmbeddedSentinel.masterAddress(client, masterName).isPresent() ? null : "no master";
            }
        });
    }

    /** The ports of the instances in a SENTINEL replicas/sentinels reply that the sentinel sees up. */
    private static Set<Integer> healthyPorts(List<Object> instances) {
        Set<Integer> ports = new TreeSet<>();
        for (Object instance : instances == null ? List.of() : instances) {
            Map<String, String> fields = new LinkedHashMap<>();
            List<?> pairs = (List<?>) instance;
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                fields.put(String.valueOf(pairs.get(i)), String.valueOf(pairs.get(i + 1)));
            }
            String flags = fields.getOrDefault("flags", "");
            if (!flags.contains("s_down") && !flags.contains("disconnected")) {
                ports.add(Integer.parseInt(fields.getOrDefault("port", "0")));
            }
        }
        return ports;
    }
}
