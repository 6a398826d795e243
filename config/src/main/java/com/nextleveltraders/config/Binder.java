package com.nextleveltraders.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds a {@link YamlNode} tree to the configuration records, driven by their components: a component's YAML
 * key is its name (or its {@link YamlKey}), its Java type decides how the text is read. Every problem is
 * reported with its key path; nothing is constructed from a subtree that has one. A record's own range checks
 * ({@link Ranges}) do not stop it from being built here, so that every problem of the file is found at once.
 */
final class Binder {

    private static final Object FAILED = new Object();

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    // Longer than any long, and far longer than any price or amount the platform handles.
    private static final int MAX_NUMBER_CHARS = 40;
    private static final int MAX_SUGGESTION_DISTANCE = 2;

    private final ConfigProblems problems;

    private Binder(ConfigProblems problems) {
        this.problems = problems;
    }

    /** The bound record, or {@code null} if a problem was added. */
    static <T extends Record> T bind(YamlNode node, Class<T> type, ConfigProblems problems) {
        Object value = new Binder(problems).value(node, type, "");
        return value == FAILED ? null : type.cast(value);
    }

    /** The YAML key of a record component. */
    static String keyOf(RecordComponent component) {
        YamlKey key = component.getAnnotation(YamlKey.class);
        return key == null ? component.getName() : key.value();
    }

    /** How an enum constant is written in YAML: {@code SCALE_UP} is {@code scale_up}. */
    static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private Object value(YamlNode node, Type type, String path) {
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            return list(node, list.getActualTypeArguments()[0], path);
        }
        Class<?> target = (Class<?>) type;
        if (target.isRecord() && target != DataSize.class) {
            return record(node, target, path);
        }
        return switch (node) {
            case YamlNode.Null n when target == Path.class -> null;
            case YamlNode.Null n -> fail(path, "must not be null");
            case YamlNode.Scalar s -> scalar(s.text(), target, path);
            default -> fail(path, "expected " + expected(target) + ", got " + YamlNode.describe(node));
        };
    }

    private Object record(YamlNode node, Class<?> type, String path) {
        if (!(node instanceof YamlNode.Mapping mapping)) {
            return fail(path, "expected a mapping, got " + YamlNode.describe(node));
        }
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent component : components) {
            byKey.put(keyOf(component), component);
        }
        for (String key : mapping.entries().keySet()) {
            if (!byKey.containsKey(key)) {
                problems.add(ConfigProblems.key(path, key), "unknown key" + suggestion(key, byKey.keySet()));
            }
        }
        Object[] arguments = new Object[components.length];
        int[] ends = new int[components.length];
        boolean complete = true;
        for (int i = 0; i < components.length; i++) {
            String key = keyOf(components[i]);
            YamlNode child = mapping.entries().get(key);
            if (child == null) {
                arguments[i] = fail(ConfigProblems.key(path, key), "missing");
            } else if (child instanceof YamlNode.Null && components[i].isAnnotationPresent(Nullable.class)) {
                arguments[i] = null;
            } else {
                arguments[i] = value(child, components[i].getGenericType(), ConfigProblems.key(path, key));
            }
            complete &= arguments[i] != FAILED;
            ends[i] = problems.size();
        }
        if (!complete) {
            return FAILED;
        }
        try {
            List<Ranges.Violation> violations = new ArrayList<>();
            Object built = Ranges.collecting(violations,
                    () -> canonicalConstructor(type, components).newInstance(arguments));
            report(violations, path, components, ends);
            return built;
        } catch (InvocationTargetException e) {
            return fail(path, String.valueOf(e.getCause().getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    /**
     * Adds a record's range violations under their YAML paths, each after the problems found inside its
     * component, so that problems read in the order of the file.
     */
    private void report(List<Ranges.Violation> violations, String path, RecordComponent[] components, int[] ends) {
        UnaryOperator<String> name = component -> ConfigProblems.key(path, keyOf(componentNamed(components, component)))
                + component.substring(componentName(component).length());
        // Last component first, so that inserting leaves the earlier components' positions in place.
        for (int i = components.length - 1; i >= 0; i--) {
            List<Ranges.Violation> own = new ArrayList<>();
            for (Ranges.Violation violation : violations) {
                if (componentNamed(components, violation.component()) == components[i]) {
                    own.add(violation);
                }
            }
            problems.insert(ends[i], own.stream().map(violation -> violation.text(name)).toList());
        }
    }

    private static RecordComponent componentNamed(RecordComponent[] components, String component) {
        String name = componentName(component);
        for (RecordComponent candidate : components) {
            if (candidate.getName().equals(name)) {
                return candidate;
            }
        }
        throw new IllegalStateException("a range check names no component: " + component);
    }

    // "symbols[2]" is the third element of the component symbols.
    private static String componentName(String component) {
        int index = component.indexOf('[');
        return index < 0 ? component : component.substring(0, index);
    }

    private Object list(YamlNode node, Type elementType, String path) {
        if (!(node instanceof YamlNode.Sequence sequence)) {
            return fail(path, "expected a list, got " + YamlNode.describe(node));
        }
        List<Object> elements = new ArrayList<>();
        boolean complete = true;
        for (YamlNode item : sequence.items()) {
            Object element = value(item, elementType, ConfigProblems.index(path, elements.size()));
            complete &= element != FAILED;
            elements.add(element);
        }
        return complete ? List.copyOf(elements) : FAILED;
    }

    private Object scalar(String text, Class<?> target, String path) {
        try {
            return convert(text, target);
        } catch (IllegalArgumentException e) {
            return fail(path, e.getMessage());
        }
    }

    private static Object convert(String text, Class<?> target) {
        if (target == String.class) {
            return text;
        } else if (target == int.class) {
            return (int) integer(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (target == long.class) {
            return integer(text, Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (target == double.class) {
            return number(text);
        } else if (target == boolean.class) {
            return bool(text);
        } else if (target == Duration.class) {
            return Durations.parse(text);
        } else if (target == DataSize.class) {
            return DataSize.parse(text);
        } else if (target == BigDecimal.class) {
            return decimal(text);
        } else if (target == Path.class) {
            return path(text);
        } else if (target.isEnum()) {
            return constant(text, target);
        }
        throw new IllegalStateException("no conversion to " + target.getName());
    }

    private static long integer(String text, long min, long max) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException("not an integer: " + ConfigProblems.quote(text));
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException tooManyDigits) {
            // reported below, like a value outside [min, max]
        }
        throw new IllegalArgumentException("not an integer: " + ConfigProblems.quote(text) + " (out of range)");
    }

    private static double number(String text) {
        if (text.length() > MAX_NUMBER_CHARS || !NUMBER.matcher(text).matches()) {
            throw new IllegalArgumentException("not a number: " + ConfigProblems.quote(text));
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a number: " + ConfigProblems.quote(text) + " (out of range)");
        }
        return value;
    }

    // Exponents are refused: 1e999999999 is a tiny BigDecimal whose plain text would not fit in memory.
    private static BigDecimal decimal(String text) {
        if (text.length() > MAX_NUMBER_CHARS || !DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException("not a decimal number: " + ConfigProblems.quote(text));
        }
        return new BigDecimal(text);
    }

    private static boolean bool(String text) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        } else if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + ConfigProblems.quote(text) + " (use true or false)");
    }

    // An empty value (`ca:`) means "no file", like null: YAML gives both `ca:` and `ca: ""` as empty text.
    private static Path path(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + ConfigProblems.quote(text));
        }
    }

    private static Object constant(String text, Class<?> type) {
        for (Object constant : type.getEnumConstants()) {
            if (spelling((Enum<?>) constant).equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("must be one of " + spellings(type) + " (got " + ConfigProblems.quote(text) + ")");
    }

    private static String spellings(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(constant -> spelling((Enum<?>) constant))
                .collect(Collectors.joining(", "));
    }

    private static String expected(Class<?> target) {
        if (target == int.class || target == long.class) {
            return "an integer";
        } else if (target == double.class) {
            return "a number";
        } else if (target == boolean.class) {
            return "true or false";
        } else if (target == Duration.class) {
            return "a duration";
        } else if (target == DataSize.class) {
            return "a size";
        } else if (target == BigDecimal.class) {
            return "a decimal number";
        } else if (target == Path.class) {
            return "a path";
        } else if (target.isEnum()) {
            return "one of " + spellings(target);
        }
        return "a single value";
    }

    private Object fail(String path, String message) {
        problems.add(path, message);
        return FAILED;
    }

    private static Constructor<?> canonicalConstructor(Class<?> type, RecordComponent[] components)
            throws NoSuchMethodException {
        return type.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    }

    private static String suggestion(String unknown, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(unknown.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        boolean close = bestDistance <= MAX_SUGGESTION_DISTANCE && bestDistance < unknown.length() / 2 + 1;
        return best != null && close ? " (did you mean " + best + "?)" : "";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
