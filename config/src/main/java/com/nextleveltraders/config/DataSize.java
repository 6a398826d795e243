package com.nextleveltraders.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory or storage. Written as a whole number and an optional unit: decimal {@code KB MB GB TB}
 * (powers of 1000), binary {@code KiB MiB GiB TiB} (powers of 1024), or {@code B}; a bare number is bytes.
 */
public record DataSize(long bytes) {

    private static final Pattern FORMAT = Pattern.compile("(-?)([0-9]{1,19}) ?([A-Za-z]*)");

    private static final long KIB = 1024;
    private static final long KB = 1000;
    private static final Map<String, Long> UNITS = Map.of(
            "B", 1L,
            "KB", KB, "MB", KB * KB, "GB", KB * KB * KB, "TB", KB * KB * KB * KB,
            "KiB", KIB, "MiB", KIB * KIB, "GiB", KIB * KIB * KIB, "TiB", KIB * KIB * KIB * KIB);

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    /**
     * Parses {@code "64KiB"}, {@code "50MB"}, {@code "1TB"}, {@code "512"} and the like.
     *
     * @throws IllegalArgumentException naming the text when it is not a size, is negative or is too large
     */
    public static DataSize parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + ConfigProblems.quote(text));
        }
        String unit = m.group(3).equals("kB") ? "KB" : m.group(3).isEmpty() ? "B" : m.group(3);
        Long multiplier = UNITS.get(unit);
        if (multiplier == null) {
            throw new IllegalArgumentException("not a size: " + ConfigProblems.quote(text)
                    + " (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException("not a size: " + ConfigProblems.quote(text) + " (must not be negative)");
        }
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(m.group(2)), multiplier));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: " + ConfigProblems.quote(text) + " (too large)");
        }
    }

    /** The size in whole MiB, rounded down: what a JVM's {@code -Xmx} or a Kubernetes {@code Mi} quantity takes. */
    public long mebibytes() {
        return bytes / (KIB * KIB);
    }

    /** Whether the size is a whole number of MiB, so that {@link #mebibytes()} loses nothing. */
    public boolean isWholeMebibytes() {
        return bytes % (KIB * KIB) == 0;
    }

    /** The shortest exact spelling, such as {@code 64KiB} or {@code 50MB}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        String best = bytes + "B";
        long bestNumber = bytes;
        for (Map.Entry<String, Long> unit : UNITS.entrySet()) {
            long multiplier = unit.getValue();
            if (bytes % multiplier == 0 && bytes / multiplier < bestNumber) {
                bestNumber = bytes / multiplier;
                best = bestNumber + unit.getKey();
            }
        }
        return best;
    }
}
