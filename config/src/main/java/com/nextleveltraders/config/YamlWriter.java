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
 * sizes in their short spellings. A whole configuration, or part of one for an override file.
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

    /**
     * Part of a configuration, as {@link ConfigLoader#toOverrideYaml} describes it.
     *
     * @throws IllegalArgumentException naming the first component that is not a key of the configuration at
     *     its place, or whose type differs from the configuration's there
     */
    static String writePart(Record part) {
        YamlWriter writer = new YamlWriter();
        writer.part(part, PlatformConfig.class, "", 0);
        return writer.out.toString();
    }

    private void block(Record record, int depth) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            entry(Binder.keyOf(component), valueOf(component, record), depth);
        }
    }

    /** A part's components are checked against the configuration record they stand for, and null ones left out. */
    private void part(Record part, Class<?> configType, String path, int depth) {
        for (RecordComponent component : part.getClass().getRecordComponents()) {
            String key = Binder.keyOf(component);
            String at = ConfigProblems.key(path, key);
            RecordComponent target = componentOf(configType, key);
            if (target == null) {
                throw new IllegalArgumentException(at + ": not a key of the configuration (" + part.getClass().getName()
                        + "." + component.getName() + ")");
            }
            Object value = valueOf(component, part);
            if (component.getGenericType().equals(target.getGenericType())) {
                if (value != null) {
                    entry(key, value, depth); // the configuration's own type: written whole
                }
            } else if (component.getType().isRecord() && isMapping(target.getType())) {
                if (value != null) {
                    out.append(INDENT.repeat(depth)).append(key).append(":\n");
                    part((Record) value, target.getType(), at, depth + 1);
                }
            } else {
                throw new IllegalArgumentException(at + ": is a " + target.getGenericType().getTypeName()
                        + " in the configuration, not a " + component.getGenericType().getTypeName() + " ("
                        + part.getClass().getName() + "." + component.getName() + ")");
            }
        }
    }

    private static RecordComponent componentOf(Class<?> configType, String key) {
        for (RecordComponent component : configType.getRecordComponents()) {
            if (Binder.keyOf(component).equals(key)) {
                return component;
            }
        }
        return null;
    }

    private void entry(String key, Object value, int depth) {
        out.append(INDENT.repeat(depth)).append(key).append(':');
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

    private static boolean isMapping(Class<?> type) {
        return type.isRecord() && type != DataSize.class;
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
