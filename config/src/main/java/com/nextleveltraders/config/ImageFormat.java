package com.nextleveltraders.config;

import java.util.Locale;

/** An image encoding; written in YAML in lower case ({@code webp}, {@code avif}). */
public enum ImageFormat {
    WEBP,
    AVIF;

    /** The YAML spelling, which is also the usual file extension. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
