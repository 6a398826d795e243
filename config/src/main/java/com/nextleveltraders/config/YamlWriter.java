package com.nextleveltraders.config;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes configuration records as YAML in the layout of {@code nlt-defaults.yaml}: nested mappings as blocks,
 * lists of values as {@code [a, b]}, list elements that are records as {@code - { key: value }}, durations and
 * sizes in their short spellings.
 */
final class YamlWriter {

    private static final String INDENT = "  ";
    // Strings written without quotes: a letter, "/" or "_" first, then nothing YAML gives a meaning to.
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*");
    // Words that YAML 1.1 readers take for booleans or null.
    private static final Set<String> RESERVED = Set.of("null", "true", "false", "yes", "no", "on", "off", "y", "n");

    private final StringBuilder out = new StringBuilder();

    private YamlWriter() {
    }

    static String write(Record root) {
        YamlWriter writer = new YamlWriter();
        writer.block(root, 0);
        return writer.out.toString();
    }

    private void block(Record record, int depth) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = valueOf(component, record);
            out.append(INDENT.repeat(depth)).append(Binder.keyOf(component)).append(':');
            if (isMapping(value)) {
                out.append('\n');
                block((Record) value, depth + 1);
            } else if (value instanceof List<?> list && !list.isEmpty() && isMapping(list.getFirst())) {
                out.append('\n');
                for (Object element : list) {
                    out.append(INDENT.repeat(depth + 1)).append("- ").append(flow(element)).append('\n');
                }
            } else {
                out.append(' ').append(flow(value)).append('\n');
            }
        }
    }

    private static String flow(Object value) {
        return switch (value) {
            case null -> "null";
            case DataSize size -> size.toString();
            case Record record -> "{ " + entries(record) + " }";
            case List<?> list -> list.stream().map(YamlWriter::flow).collect(Collectors.joining(", ", "[", "]"));
            case Duration duration -> Durations.format(duration);
            case BigDecimal decimal -> decimal.toPlainString();
            case Enum<?> constant -> Binder.spelling(constant);
            case Path path -> string(path.toString());
            case String text -> string(text);
            default -> value.toString();
        };
    }

    private static String entries(Record record) {
        StringBuilder entries = new StringBuilder();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (!entries.isEmpty()) {
                entries.append(", ");
            }
            entries.append(Binder.keyOf(component)).append(": ").append(flow(valueOf(component, record)));
        }
        return entries.toString();
    }

    private static boolean isMapping(Object value) {
        return value instanceof Record && !(value instanceof DataSize);
    }

    private static Object valueOf(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private static String string(String text) {
        if (PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(Locale.ROOT))) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        text.chars().forEach(c -> {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
                        quoted.append(String.format("\\u%04x", c));
                    } else {
                        quoted.append((char) c);
                    }
                }
            }
        });
        return quoted.append('"').toString();
    }
}
