package com.nextleveltraders.config;

import java.util.Locale;

/** What a crossed threshold triggers; written in YAML in lower case ({@code scale_up}, {@code alert}). */
public enum AlertAction {
    SCALE_UP,
    ALERT;

    /** The YAML spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
