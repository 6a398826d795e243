package com.nextleveltraders.api.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpStatus;
import com.nextleveltraders.edge.FieldProblem;
import com.nextleveltraders.edge.HttpProblem;
import com.nextleveltraders.edge.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the body of {@code PUT /admin/faults}: a JSON object with any of {@code latency},
 * {@code errorPercent}, {@code holdConnections}, {@code slowStatement}; a field left out or null is
 * no fault. Every offending field is named at once, and nothing is applied unless all are right.
 */
final class FaultParser {

    // Longer than any request may take (the gateway has long given up): a typo, not a test.
    static final Duration MAX_LATENCY = Duration.ofSeconds(60);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s)");
    private static final Set<String> FIELDS = Set.of("latency", "errorPercent", "holdConnections", "slowStatement");

    private final int maxHeld;
    private final Duration statementTimeout;

    /**
     * @param maxHeld          the most connections one pool has ({@code database.pool.max})
     * @param statementTimeout {@code database.pool.statementTimeout}: a longer sleep would be cancelled
     */
    FaultParser(int maxHeld, Duration statementTimeout) {
        this.maxHeld = maxHeld;
        this.statementTimeout = statementTimeout;
    }

    Faults parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a problem answer: ErrorMapping knows Jackson's failures
        }
        if (root == null || !root.isObject()) {
            throw HttpProblem.badRequest("malformed-json", "a JSON object body is required", null);
        }
        List<FieldProblem> problems = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(new FieldProblem(name, "unknown field; known: latency, errorPercent, holdConnections, "
                        + "slowStatement"));
            }
        }
        Duration latency = duration(root.get("latency"), "latency", MAX_LATENCY, true, problems);
        int errorPercent = count(root.get("errorPercent"), "errorPercent", 100, problems);
        int held = count(root.get("holdConnections"), "holdConnections", maxHeld, problems);
        Duration slow = duration(root.get("slowStatement"), "slowStatement", statementTimeout, false, problems);
        if (!problems.isEmpty()) {
            throw new HttpProblem(HttpStatus.UNPROCESSABLE_ENTITY, "validation-failed",
                    "faults not applied: " + problems.stream().map(FieldProblem::field).toList(), problems);
        }
        return new Faults(latency, errorPercent, held, slow);
    }

    private static Duration duration(JsonNode node, String field, Duration max, boolean maxAllowed,
            List<FieldProblem> problems) {
        if (node == null || node.isNull()) {
            return Duration.ZERO;
        }
        Matcher m = node.isTextual() ? DURATION.matcher(node.textValue()) : null;
        if (m == null || !m.matches()) {
            problems.add(new FieldProblem(field, "must be a duration such as \"800ms\" or \"2s\""));
            return Duration.ZERO;
        }
        long amount = Long.parseLong(m.group(1));
        Duration value = m.group(2).equals("ms") ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
        int order = value.compareTo(max);
        if (order > 0 || order == 0 && !maxAllowed) {
            problems.add(new FieldProblem(field, "must be " + (maxAllowed ? "at most " : "below ") + format(max)));
            return Duration.ZERO;
        }
        return value;
    }

    private static int count(JsonNode node, String field, int max, List<FieldProblem> problems) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0 || node.intValue() > max) {
            problems.add(new FieldProblem(field, "must be a whole number from 0 to " + max));
            return 0;
        }
        return node.intValue();
    }

    /** "800ms", or null for none: how {@code GET} shows a duration, which {@link #parse} reads back. */
    static String format(Duration duration) {
        return duration.isZero() ? null : duration.toMillis() + "ms";
    }
}
