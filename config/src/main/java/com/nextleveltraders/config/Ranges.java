package com.nextleveltraders.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The range checks of one record's own values, made by its compact constructor so that a record out of range
 * cannot be built. Every check runs before the record refuses, so one refusal names each component out of range
 * and its value: {@code RateLimit.requests: must be >= 1 (got 0); RateLimit.burst: must be >= 1 (got -1)}.
 */
final class Ranges {

    /**
     * One value out of range: its component (with an index for an element of a list) and what is wrong, given
     * how to name a component of the record (a message may point at another element of the same list).
     */
    record Violation(String component, Function<UnaryOperator<String>, String> message) {

        String text(UnaryOperator<String> name) {
            return name.apply(component) + ": " + message.apply(name);
        }
    }

    // Set while the Binder builds a record from YAML: the record is then built even out of range and its
    // violations land here, so that the records holding it are built too, the rules between fields and records
    // still run, and one refusal lists every problem under its YAML path. The Binder reports each violation as a
    // problem, and a configuration with any problem is refused, so such a record never leaves the loader.
    private static final ScopedValue<List<Violation>> COLLECTING = ScopedValue.newInstance();

    private static final int MIN_PORT = 1;
    private static final int MAX_PORT = 65_535;
    private static final int MAX_PERCENT = 100;

    private final String record;
    private final List<Violation> violations = new ArrayList<>();

    private Ranges(String record) {
        this.record = record;
    }

    /** Checks of a record of the given type, named in the messages. */
    static Ranges of(Class<? extends Record> type) {
        return new Ranges(type.getSimpleName());
    }

    /** Runs {@code construction}, collecting the violations of the record it builds instead of refusing it. */
    static <T, X extends Throwable> T collecting(List<Violation> into, ScopedValue.CallableOp<T, X> construction)
            throws X {
        return ScopedValue.where(COLLECTING, into).call(construction);
    }

    /**
     * Ends the checks.
     *
     * @throws IllegalArgumentException naming every component out of range and its value
     */
    void check() {
        if (violations.isEmpty()) {
            return;
        }
        if (COLLECTING.isBound()) {
            COLLECTING.get().addAll(violations);
            return;
        }
        throw new IllegalArgumentException(violations.stream()
                .map(v -> v.text(component -> record + "." + component))
                .collect(Collectors.joining("; ")));
    }

    Ranges that(boolean holds, String component, String message) {
        if (!holds) {
            violations.add(new Violation(component, name -> message));
        }
        return this;
    }

    Ranges atLeast(String component, int value, int min) {
        return that(value >= min, component, "must be >= " + min + " (got " + value + ")");
    }

    Ranges between(String component, int value, int min, int max) {
        return that(value >= min && value <= max, component,
                "must be between " + min + " and " + max + " (got " + value + ")");
    }

    /** A port to connect to: 0 (any free port) is not one. */
    Ranges port(String component, int value) {
        return between(component, value, MIN_PORT, MAX_PORT);
    }

    /** A port to listen on, where 0 asks for any free port. */
    Ranges listenPort(String component, int value) {
        return between(component, value, 0, MAX_PORT);
    }

    Ranges percent(String component, int value) {
        return between(component, value, 0, MAX_PERCENT);
    }

    Ranges percent(String component, double value) {
        return that(value >= 0 && value <= MAX_PERCENT, component,
                "must be between 0 and " + MAX_PERCENT + " (got " + value + ")");
    }

    Ranges positive(String component, Duration value) {
        return that(value.isPositive(), component, "must be > 0 (got " + Durations.describe(value) + ")");
    }

    /** A memory size for a JVM or a pod: a whole number of MiB, at least {@code minMib}. */
    Ranges wholeMebibytes(String component, DataSize value, long minMib) {
        return that(value.isWholeMebibytes() && value.mebibytes() >= minMib, component,
                "must be a whole number of MiB, at least " + minMib + "MiB (got " + value + ")");
    }

    Ranges positive(String component, DataSize value) {
        return that(value.bytes() > 0, component, "must be > 0 (got " + value + ")");
    }

    Ranges positive(String component, double value) {
        return that(value > 0, component, "must be > 0 (got " + value + ")");
    }

    Ranges notBlank(String component, String value) {
        return that(!value.isBlank(), component, "must not be blank");
    }

    Ranges notEmpty(String component, List<?> values) {
        return that(!values.isEmpty(), component, "must not be empty");
    }

    Ranges matches(String component, String value, Pattern pattern, String description) {
        return that(pattern.matcher(value).matches(), component,
                "must be " + description + " (got " + ConfigProblems.quote(value) + ")");
    }

    /** Each element of the list matches, reported by its index. */
    Ranges eachMatches(String component, List<String> values, Pattern pattern, String description) {
        for (int i = 0; i < values.size(); i++) {
            matches(ConfigProblems.index(component, i), values.get(i), pattern, description);
        }
        return this;
    }

    /** Non-blank, unique names. */
    Ranges names(String component, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            notBlank(ConfigProblems.index(component, i), values.get(i));
        }
        return distinct(component, values, ConfigProblems::quote);
    }

    /** Each element an absolute {@code http} or {@code https} URL with a host, and none twice. */
    Ranges webUrls(String component, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            that(isWebUrl(value), ConfigProblems.index(component, i),
                    "must be an http or https URL with a host (got " + ConfigProblems.quote(value) + ")");
        }
        return distinct(component, values, ConfigProblems::quote);
    }

    private static boolean isWebUrl(String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** No element twice: each repetition is reported by its index, with the index of the first. */
    <T> Ranges distinct(String component, List<T> values, Function<? super T, String> show) {
        return distinct(component, values, Function.identity(), "duplicate of", show);
    }

    /** No two elements with the same {@code key}: each repetition is reported by its index, with the first's. */
    <T> Ranges distinct(String component, List<T> values, Function<? super T, ?> key, String repetition,
            Function<? super T, String> show) {
        Map<Object, Integer> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Integer first = seen.putIfAbsent(key.apply(values.get(i)), i);
            if (first != null) {
                String shown = show.apply(values.get(i));
                violations.add(new Violation(ConfigProblems.index(component, i), name -> repetition + " "
                        + name.apply(ConfigProblems.index(component, first)) + " (" + shown + ")"));
            }
        }
        return this;
    }
}
