package com.nextleveltraders.autoscaler;

import java.time.Duration;
import java.util.Locale;

/** How figures are written in decisions' reasons. */
final class ReasonFigures {

    private static final long SECONDS_PER_MINUTE = 60;

    private ReasonFigures() {
    }

    /** {@code 5m}, {@code 2m30s}, {@code 42s}, {@code 500ms}, {@code 0s}: whole seconds from a second up. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        long seconds = d.toSeconds();
        long minutes = seconds / SECONDS_PER_MINUTE;
        long rest = seconds % SECONDS_PER_MINUTE;
        if (minutes == 0) {
            return rest + "s";
        }
        return rest == 0 ? minutes + "m" : minutes + "m" + rest + "s";
    }

    static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", value);
    }

    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.0f ms", d.toNanos() / 1e6);
    }
}
