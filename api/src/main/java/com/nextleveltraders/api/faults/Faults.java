package com.nextleveltraders.api.faults;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The faults an instance injects into itself, for proving that alerts fire: none by default.
 *
 * @param latency         added before every {@code /api/**} request but the health check; zero for none
 * @param errorPercent    the share of those requests answered 500 before reaching their handler, 0 to 100
 * @param holdConnections how many connections of one shard primary's pool are kept busy
 * @param slowStatement   how long each {@code pg_sleep} run one after the other lasts; zero for none
 */
public record Faults(Duration latency, int errorPercent, int holdConnections, Duration slowStatement) {

    public static final Faults NONE = new Faults(Duration.ZERO, 0, 0, Duration.ZERO);

    public Faults {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(slowStatement, "slowStatement");
        if (latency.isNegative() || slowStatement.isNegative() || errorPercent < 0 || errorPercent > 100
                || holdConnections < 0) {
            throw new IllegalArgumentException("faults out of range: " + latency + ", " + errorPercent + "%, "
                    + holdConnections + ", " + slowStatement);
        }
    }

    /** As {@code GET /admin/faults} shows them: the same fields a {@code PUT} takes, durations as "800ms" or null. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("latency", FaultParser.format(latency));
        json.put("errorPercent", errorPercent);
        json.put("holdConnections", holdConnections);
        json.put("slowStatement", FaultParser.format(slowStatement));
        return json;
    }
}
