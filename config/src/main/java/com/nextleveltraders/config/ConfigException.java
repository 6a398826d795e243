package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/**
 * The configuration was refused. {@link #problems()} lists every problem found, each prefixed with the
 * file or the key path it concerns; {@link #getMessage()} gives them one per line.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    /** @param problems at least one problem, one line each */
    public ConfigException(List<String> problems) {
        super(String.join("\n", List.copyOf(Objects.requireNonNull(problems, "problems"))));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
