package com.nextleveltraders.autoscaler;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the autoscaler decided, why, and the numbers behind it.
 *
 * @param at when it was decided
 * @param from instances running when it was decided
 * @param to instances wanted by {@link Autoscaler#evaluate}; in a decision returned by {@link ScalingLoop#tick},
 *     instances running once it was carried out (fewer than wanted when a launch failed, see {@code reason})
 * @param reason the rule that decided, in words, with the figures it used
 * @param figures the numbers behind the decision, in a stable order (see {@link Autoscaler} for their names)
 */
public record Decision(Instant at, Kind kind, int from, int to, String reason, Map<String, Double> figures) {

    /** What happens to the number of instances. */
    public enum Kind {
        /** A scale-up rule held: instances are added. */
        SCALE_UP,
        /** The scale-down rules held, or more than {@code scaling.maxInstances} run: instances are removed. */
        SCALE_DOWN,
        /** Fewer than {@code scaling.minInstances} run (instances died): the minimum is restored at once. */
        RESTORE,
        /** Nothing changes. */
        HOLD
    }

    public Decision {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(figures, "figures")));
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("instance counts must not be negative: " + from + " -> " + to);
        }
    }

    @Override
    public String toString() {
        return at + " " + kind + " " + from + " -> " + to + ": " + reason + " " + figures;
    }
}
