package com.nextleveltraders.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects problems so that one refusal reports all of them, and formats the pieces they are made of. */
final class ConfigProblems {

    // Keeps the exception readable when hostile input produces a problem per line.
    private static final int MAX_REPORTED = 100;
    private static final int MAX_QUOTED_CHARS = 60;

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,60}");

    private final List<String> lines = new ArrayList<>();

    void add(String path, String message) {
        lines.add(path.isEmpty() ? message : path + ": " + message);
    }

    /** Adds problem lines, already formatted, at a position in the list: {@link #size()} at some earlier time. */
    void insert(int position, List<String> lines) {
        this.lines.addAll(position, lines);
    }

    int size() {
        return lines.size();
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    void throwIfAny() {
        if (lines.isEmpty()) {
            return;
        }
        if (lines.size() <= MAX_REPORTED) {
            throw new ConfigException(lines);
        }
        List<String> shown = new ArrayList<>(lines.subList(0, MAX_REPORTED));
        shown.add("... and " + (lines.size() - MAX_REPORTED) + " more problems");
        throw new ConfigException(shown);
    }

    static String key(String path, String key) {
        String shown = PLAIN_KEY.matcher(key).matches() ? key : quote(key);
        return path.isEmpty() ? shown : path + "." + shown;
    }

    static String index(String path, int index) {
        return path + "[" + index + "]";
    }

    /** The text in double quotes, escaped and shortened so that hostile values cannot flood a message. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        int end = Math.min(text.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (end < text.length()) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
