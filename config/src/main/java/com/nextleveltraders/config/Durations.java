package com.nextleveltraders.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations as a whole number and a unit: {@code ms s m h d w y}, where a year is 365 days.
 * Units are case-sensitive because {@code M} would be read as months by many people.
 */
final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(-?)([0-9]{1,18})(ms|s|m|h|d|w|y)");
    private static final long DAYS_PER_WEEK = 7;
    private static final long DAYS_PER_YEAR = 365;
    private static final long MILLIS_PER_SECOND = 1000;
    private static final long NANOS_PER_MILLI = 1_000_000;

    // For writing: largest first; weeks are left out because people write 7d, 30d.
    private static final Unit[] WRITTEN_UNITS = {
        new Unit("y", Duration.ofDays(DAYS_PER_YEAR).toSeconds()),
        new Unit("d", Duration.ofDays(1).toSeconds()),
        new Unit("h", Duration.ofHours(1).toSeconds()),
        new Unit("m", Duration.ofMinutes(1).toSeconds()),
        new Unit("s", 1),
    };

    private record Unit(String suffix, long seconds) {
    }

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text when it is not a duration, is negative or too large */
    static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + ConfigProblems.quote(text));
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException("not a duration: " + ConfigProblems.quote(text) + " (must not be negative)");
        }
        long amount = Long.parseLong(m.group(2));
        try {
            return switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                case "w" -> Duration.ofDays(Math.multiplyExact(amount, DAYS_PER_WEEK));
                case "y" -> Duration.ofDays(Math.multiplyExact(amount, DAYS_PER_YEAR));
                default -> throw new IllegalStateException("unit without a case: " + m.group(3));
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: " + ConfigProblems.quote(text) + " (too large)");
        }
    }

    /** For messages: the YAML spelling where there is one, else {@link Duration#toString()}. */
    static String describe(Duration duration) {
        try {
            return format(duration);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return duration.toString();
        }
    }

    /**
     * The shortest exact spelling ({@code 5m}, {@code 100ms}, {@code 1y}); {@link #parse} reads it back.
     *
     * @throws IllegalArgumentException for negative durations and those with a fraction of a millisecond
     */
    static String format(Duration duration) {
        if (duration.isNegative() || duration.getNano() % NANOS_PER_MILLI != 0) {
            throw new IllegalArgumentException("cannot be written in whole milliseconds: " + duration);
        }
        long seconds = duration.getSeconds();
        if (duration.getNano() != 0) {
            return Math.addExact(Math.multiplyExact(seconds, MILLIS_PER_SECOND), duration.getNano() / NANOS_PER_MILLI)
                    + "ms";
        }
        if (seconds == 0) {
            return "0s";
        }
        for (Unit unit : WRITTEN_UNITS) {
            if (seconds % unit.seconds() == 0) {
                return seconds / unit.seconds() + unit.suffix();
            }
        }
        throw new IllegalStateException("seconds are the last unit and divide everything");
    }
}
