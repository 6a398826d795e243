package com.nextleveltraders.gateway.web;

import java.util.Locale;

/**
 * A content coding of a bundle file, and the choice among those a client accepts
 * ({@code Accept-Encoding}, RFC 9110 section 12.5.3). Brotli is preferred when the client rates it no
 * lower than gzip, since the build writes it at the highest quality; a coding given {@code q=0} is never
 * chosen; one the header does not name takes the weight of {@code *}, or none without it. Identity is
 * always possible: a file is served as it is when nothing else fits.
 */
enum Coding {

    IDENTITY(null, ""),
    BROTLI("br", ".br"),
    GZIP("gzip", ".gz");

    /** The {@code Content-Encoding} value; {@code null} for identity. */
    final String token;
    /** The suffix of the precompressed file the build writes beside the original. */
    final String suffix;

    Coding(String token, String suffix) {
        this.token = token;
        this.suffix = suffix;
    }

    /**
     * @param acceptEncoding the request's header, or {@code null}
     * @param brotli         whether a brotli file is there to send
     * @param gzip           whether a gzip file is there to send
     */
    static Coding choose(String acceptEncoding, boolean brotli, boolean gzip) {
        if (acceptEncoding == null || !brotli && !gzip) {
            return IDENTITY;
        }
        double brotliWeight = -1;
        double gzipWeight = -1;
        double anyWeight = -1;
        for (String element : acceptEncoding.split(",")) {
            String[] parts = element.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            double weight = weight(parts);
            switch (name) {
                case "br" -> brotliWeight = weight;
                case "gzip", "x-gzip" -> gzipWeight = weight;
                case "*" -> anyWeight = weight;
                default -> {
                    // a coding this server has no file for
                }
            }
        }
        double br = brotli ? unnamed(brotliWeight, anyWeight) : 0;
        double gz = gzip ? unnamed(gzipWeight, anyWeight) : 0;
        if (br > 0 && br >= gz) {
            return BROTLI;
        }
        return gz > 0 ? GZIP : IDENTITY;
    }

    private static double unnamed(double named, double any) {
        if (named >= 0) {
            return named;
        }
        return Math.max(any, 0);
    }

    /** The element's {@code q}, 1 without one; a malformed one counts as 0, so that identity is sent. */
    private static double weight(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.length() > 2 && parameter.regionMatches(true, 0, "q=", 0, 2)) {
                String value = parameter.substring(2).strip();
                if (!value.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
                    return 0;
                }
                return Double.parseDouble(value);
            }
        }
        return 1;
    }
}
