package com.nextleveltraders.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master that died is started again only once the cluster has handed its slots to its replica (or after a bounded
 * wait, when none takes over), so that it rejoins as a replica instead of reclaiming its slots with a copy that may be
 * older.
 */
final class ClusterTakeover {

    private static final Logger log = LoggerFactory.getLogger(ClusterTakeover.class);
    private static final long POLL_MS = 200;

    private ClusterTakeover() {
    }

    /**
     * Returns once a live node sees the node on {@code deadPort} as a replica or as a master without slots, once
     * {@code closed} says the cluster was closed, or after twice the node timeout plus 10 s.
     */
    static void await(int index, int deadPort, RedisClusterOptions options, String password,
                      Supplier<List<EmbeddedRedis>> nodes, BooleanSupplier closed) {
        String prefix = RedisServers.HOST + ":" + deadPort + "@";
        Duration wait = options.nodeTimeout().multipliedBy(2).plusSeconds(10);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (closed.getAsBoolean()) {
                return;
            }
            List<EmbeddedRedis> current = nodes.get();
            for (int other = 0; other < current.size(); other++) {
                if (other == index) {
                    continue;
                }
                try {
                    EmbeddedRedis node = current.get(other);
                    String view = RespClient.call(node.host(), node.port(), password, "CLUSTER", "NODES").toString();
                    for (String line : view.split("\n")) {
                        String[] fields = line.strip().split(" ");
                        // id address flags master ping pong epoch link [slots...]: a replica, or a master left without slots
                        if (fields.length >= 8 && fields[1].startsWith(prefix)
                                && (fields[2].contains("slave") || fields.length == 8)) {
                            return;
                        }
                    }
                    break; // one live node's view is enough for this round
                } catch (IOException e) {
                    // that node is down too: ask the next one
                }
            }
            Procs.pause(POLL_MS);
        }
        log.warn("No replica took over the slots of node {} on port {} within {} s; restarting it as it was",
                index + 1, deadPort, wait.toSeconds());
    }
}
