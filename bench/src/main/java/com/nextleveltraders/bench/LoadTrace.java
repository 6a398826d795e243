package com.nextleveltraders.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic load trace: the request rate of each 15 s step, the noise-free level it was drawn around, and the
 * phase of the day it belongs to. {@link #main} writes the committed {@code bench/autoscaler-trace.csv}; the
 * simulation only reads it.
 *
 * <p>The shape, over six hours: a quiet night at 70 requests/s (45 min); a daily ramp to 560 along a half cosine
 * (2 h); a plateau (30 min); a short blip to 840 for 90 s; a plateau (28.5 min); a sharp spike to 830 (reached in
 * 1 min, held 15 min, gone in 1 min); a plateau (28 min); an evening decline to 70 along a half cosine (45 min); a
 * quiet night to the end. Each step's rate is its level times {@code 1 + 0.03 z}, z standard normal from a seeded generator, so
 * that the metrics wobble as real ones do.
 *
 * <p>Usage: {@code LoadTrace <file> <seed>}.
 */
final class LoadTrace {

    static final Duration STEP = Duration.ofSeconds(15);
    private static final double NIGHT = 70;
    private static final double DAY = 560;
    private static final double SPIKE = 830;
    private static final double BLIP = 840;
    private static final double NOISE = 0.03;

    private final double[] rate;
    private final double[] level;
    private final String[] phase;

    private LoadTrace(double[] rate, double[] level, String[] phase) {
        this.rate = rate;
        this.level = level;
        this.phase = phase;
    }

    int steps() {
        return rate.length;
    }

    /** Requests per second arriving during the step. */
    double rate(int step) {
        return rate[step];
    }

    /** The level the step's rate was drawn around. */
    double level(int step) {
        return level[step];
    }

    String phase(int step) {
        return phase[step];
    }

    static LoadTrace read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#") || line.startsWith("seconds,") || line.isBlank()) {
                continue;
            }
            rows.add(line.split(","));
        }
        double[] rate = new double[rows.size()];
        double[] level = new double[rows.size()];
        String[] phase = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            if (Long.parseLong(row[0]) != i * STEP.toSeconds()) {
                throw new IllegalArgumentException(file + ": step " + i + " is at " + row[0] + " s");
            }
            rate[i] = Double.parseDouble(row[1]);
            level[i] = Double.parseDouble(row[2]);
            phase[i] = row[3];
        }
        return new LoadTrace(rate, level, phase);
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder();
        csv.append("# Synthetic load for bench/autoscaler.sh, written by com.nextleveltraders.bench.LoadTrace ")
                .append(file.getFileName()).append(' ').append(seed).append(".\n")
                .append("# Requests per second per 15 s step: a quiet night, a daily ramp, a sharp spike, a short blip,\n")
                .append("# an evening decline and a quiet night; rate = level * (1 + 0.03 z), z standard normal.\n")
                .append("seconds,requests_per_second,level,phase\n");
        int minute = 60;
        List<Segment> day = List.of(
                new Segment("night", 45 * minute, t -> NIGHT),
                new Segment("ramp", 120 * minute, t -> cosine(NIGHT, DAY, t)),
                new Segment("plateau", 30 * minute, t -> DAY),
                new Segment("blip", 90, t -> BLIP),
                new Segment("plateau", 28 * minute + 30, t -> DAY),
                new Segment("spike", 17 * minute, t -> t < 1.0 / 17 ? DAY + (SPIKE - DAY) * t * 17
                        : t < 16.0 / 17 ? SPIKE : SPIKE - (SPIKE - DAY) * (t * 17 - 16)),
                new Segment("plateau", 28 * minute, t -> DAY),
                new Segment("decline", 45 * minute, t -> cosine(DAY, NIGHT, t)),
                new Segment("night", 45 * minute, t -> NIGHT));
        long second = 0;
        for (Segment segment : day) {
            long steps = segment.seconds() / STEP.toSeconds();
            for (long s = 0; s < steps; s++) {
                double level = segment.level().at((double) s / steps);
                double rate = Math.max(0, level * (1 + NOISE * gaussian(random)));
                csv.append(String.format(Locale.ROOT, "%d,%.1f,%.1f,%s%n", second, rate, level, segment.name()));
                second += STEP.toSeconds();
            }
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private record Segment(String name, long seconds, Shape level) {
    }

    /** The level at {@code t}, the fraction of the segment gone by. */
    private interface Shape {
        double at(double t);
    }

    private static double cosine(double from, double to, double t) {
        return from + (to - from) * (1 - Math.cos(Math.PI * t)) / 2;
    }

    // Box-Muller: SplittableRandom has no nextGaussian of its own before JDK 17's RandomGenerator default, which is
    // not specified to stay the same across releases; this is, so the trace can be written again identically.
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
