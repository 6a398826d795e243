package com.nextleveltraders.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed YAML document before binding. Scalars keep their source text, so that {@code 100000.00} reaches
 * a {@code BigDecimal} exactly and {@code NO} reaches a string as written.
 */
sealed interface YamlNode {

    record Mapping(Map<String, YamlNode> entries) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
    }

    record Sequence(List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    record Scalar(String text) implements YamlNode {
        public Scalar {
            Objects.requireNonNull(text, "text");
        }
    }

    /** An explicit {@code null} or {@code ~}. */
    record Null() implements YamlNode {
    }

    /** Mappings merge key by key, recursively; anything else in {@code override} replaces what is in {@code base}. */
    static YamlNode merge(YamlNode base, YamlNode override) {
        if (base instanceof Mapping b && override instanceof Mapping o) {
            Map<String, YamlNode> merged = new LinkedHashMap<>(b.entries());
            o.entries().forEach((key, value) -> merged.merge(key, value, YamlNode::merge));
            return new Mapping(merged);
        }
        return override;
    }

    /** How the node reads in a message: {@code a mapping}, {@code a list}, {@code null} or the quoted text. */
    static String describe(YamlNode node) {
        return switch (node) {
            case Mapping m -> "a mapping";
            case Sequence s -> "a list";
            case Null n -> "null";
            case Scalar s when s.text().isEmpty() -> "an empty value";
            case Scalar s -> ConfigProblems.quote(s.text());
        };
    }
}
