package com.nextleveltraders.monitor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: {@code name{label="value",...} value [timestamp]}
 * per line, {@code #} lines being comments. A line that does not follow the format is skipped whole (a half-read
 * line could pass a wrong number on), never an exception: what one bad line costs is that line's figure.
 */
public final class PrometheusText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {

        public String label(String name) {
            return labels.get(name);
        }
    }

    /** The samples read, and how many lines were skipped as malformed. */
    public record Parsed(List<Sample> samples, int skipped) {
    }

    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]{1,19}");
    // Micrometer writes far shorter lines; a longer one is not metrics and not worth reading.
    private static final int MAX_LINE_CHARS = 16_384;

    private final String line;
    private int at;

    private PrometheusText(String line) {
        this.line = line;
    }

    public static Parsed parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int skipped = 0;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (trimmed.isBlank() || trimmed.stripLeading().startsWith("#")) {
                continue;
            }
            Sample sample = trimmed.length() > MAX_LINE_CHARS ? null : new PrometheusText(trimmed).sample();
            if (sample == null) {
                skipped++;
            } else {
                samples.add(sample);
            }
        }
        return new Parsed(List.copyOf(samples), skipped);
    }

    /** The line's sample, or {@code null} if it is malformed. */
    private Sample sample() {
        blanks();
        String name = name(true);
        if (name == null) {
            return null;
        }
        int gap = blanks();
        Map<String, String> labels = Map.of();
        if (peek() == '{') {
            at++;
            labels = labels();
            if (labels == null) {
                return null;
            }
            gap = blanks();
        }
        if (gap == 0) {
            return null;
        }
        Double value = number(token());
        if (value == null) {
            return null;
        }
        if (blanks() > 0 && at < line.length() && !TIMESTAMP.matcher(token()).matches()) {
            return null;
        }
        blanks();
        return at == line.length() ? new Sample(name, labels, value) : null;
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        while (true) {
            blanks();
            if (peek() == '}') {
                at++;
                return Collections.unmodifiableMap(labels);
            }
            String name = name(false);
            if (name == null) {
                return null;
            }
            blanks();
            if (peek() != '=') {
                return null;
            }
            at++;
            blanks();
            String value = quoted();
            if (value == null || labels.put(name, value) != null) {
                return null;
            }
            blanks();
            if (peek() == ',') {
                at++;
            } else if (peek() != '}') {
                return null;
            }
        }
    }

    /** A metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) or a label name (the same without colons). */
    private String name(boolean metric) {
        int start = at;
        while (at < line.length()) {
            char c = line.charAt(at);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
            if (!letter && !(at > start && c >= '0' && c <= '9')) {
                break;
            }
            at++;
        }
        return at > start ? line.substring(start, at) : null;
    }

    /** A double-quoted label value with the escapes {@code \\}, {@code \"} and {@code \n}. */
    private String quoted() {
        if (peek() != '"') {
            return null;
        }
        at++;
        StringBuilder value = new StringBuilder();
        while (at < line.length()) {
            char c = line.charAt(at++);
            if (c == '"') {
                return value.toString();
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            if (at == line.length()) {
                return null;
            }
            switch (line.charAt(at++)) {
                case '\\' -> value.append('\\');
                case '"' -> value.append('"');
                case 'n' -> value.append('\n');
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Go's float syntax as Prometheus writes it: decimal, exponent, {@code +Inf}, {@code -Inf}, {@code NaN}; {@code null}
     * for anything else (Java's own parser would also take {@code 0x1p3}, {@code 1d} or surrounding blanks).
     */
    public static Double number(String token) {
        return switch (token) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> NUMBER.matcher(token).matches() ? Double.valueOf(token) : null;
        };
    }

    private String token() {
        int start = at;
        while (at < line.length() && line.charAt(at) != ' ' && line.charAt(at) != '\t') {
            at++;
        }
        return line.substring(start, at);
    }

    private int blanks() {
        int start = at;
        while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
            at++;
        }
        return at - start;
    }

    private char peek() {
        return at < line.length() ? line.charAt(at) : '\0';
    }
}
