package com.nextleveltraders.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the request path's meters: two running platforms, "with" (the defaults) and "without"
 * ({@code monitoring.disabledMetrics} denying them), driven one at a time through their gateways in
 * alternated phases, so that both see the same machine, drift and neighbours.
 *
 * <p>Registers {@code --users} users on each, then warms both up ({@code --jit-warmup} seconds of orders
 * and a third of that of quote GETs each, uncounted: fresh JVMs compile for about a minute under load). Then
 * {@code --rounds} rounds, each: MARKET orders on one platform, then on the other, then quote GETs on
 * one, then on the other; the platform that goes first alternates from round to round. A phase is
 * {@code --settle} seconds uncounted (connections, queues) and {@code --phase} seconds counted. Orders
 * are POST /api/orders by random registered users (a MARKET BUY of a random symbol), GETs are
 * GET /api/quotes/SYMBOL without a session, each of {@code --clients} closed-loop threads on its own
 * keep-alive socket ({@link SocketSender}, the cheapest client there is).
 *
 * <p>Prints every phase (with the CPU the rest of the machine took meanwhile, the idle platform's
 * included: what else competed for the cores), then {@code bench.KIND.VARIANT.NAME=VALUE} figures: the median per second of a
 * variant's phases, the CPU each platform's process tree spent per request, and the ratio with/without
 * (of the medians, and the median of the ratios within a round).
 */
public final class MetricsLoad {

    private static final List<String> VARIANTS = List.of("with", "without");
    private static final List<String> KINDS = List.of("orders", "gets");

    record Target(String variant, URI base, long pid, List<String> tokens, List<String> symbols, List<byte[]> orders) {
    }

    /** One counted phase. */
    record Phase(int round, String kind, String variant, double perSecond, long count, long errors, String statuses,
            double p50Millis, double p99Millis, double cpuMicrosPerRequest, double elsewhereCores) {
    }

    private MetricsLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int users = positive(options, "users");
        int clients = positive(options, "clients");
        int phase = positive(options, "phase");
        int settle = whole(options, "settle");
        int rounds = positive(options, "rounds");
        int jitWarmup = whole(options, "jit-warmup");

        // --first: the variant that warms up first and goes first in the odd rounds.
        List<String> variants = options.getOrDefault("first", "with").equals("without") ? VARIANTS.reversed() : VARIANTS;
        List<Target> targets = new ArrayList<>();
        for (String variant : variants) {
            URI base = URI.create(options.get(variant + "-url"));
            long pid = Long.parseLong(options.get(variant + "-pid"));
            HttpClient setup = JdkSender.newClient();
            List<String> symbols = OrderLoad.symbols(setup, base);
            long started = System.nanoTime();
            List<String> tokens = OrderLoad.registerUsers(setup, base, new OrderLoad.Options(base, users, clients, 0,
                    0, "0.01", 1, List.of("socket"), pid, 8, 0));
            setup.close();
            System.out.printf(Locale.ROOT, "%s: %s, %d symbols, %d users registered and logged in in %.1f s%n",
                    variant, base, symbols.size(), tokens.size(), (System.nanoTime() - started) / 1e9);
            List<byte[]> orders = symbols.stream().map(symbol -> ("{\"symbol\":\"" + symbol
                    + "\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.01\"}").getBytes(StandardCharsets.UTF_8))
                    .toList();
            targets.add(new Target(variant, base, pid, tokens, symbols, orders));
        }

        if (jitWarmup > 0) {
            for (Target target : targets) {
                run(0, "orders", target, clients, jitWarmup, 0);
            }
            for (Target target : targets) {
                run(0, "gets", target, clients, Math.max(1, jitWarmup / 3), 0);
            }
            System.out.printf(Locale.ROOT, "warm-up: %d s of orders and %d s of GETs on each, not counted%n",
                    jitWarmup, Math.max(1, jitWarmup / 3));
        }

        List<Phase> phases = new ArrayList<>();
        boolean clean = true;
        for (int round = 1; round <= rounds; round++) {
            List<Target> order = round % 2 == 1 ? targets : targets.reversed();
            for (String kind : KINDS) {
                for (Target target : order) {
                    Phase counted = run(round, kind, target, clients, settle, phase);
                    phases.add(counted);
                    clean &= counted.count() > 0 && counted.errors() == 0;
                    System.out.printf(Locale.ROOT,
                            "round %d %-6s %-7s %8.1f/s  p50 %6.2f ms  p99 %6.2f ms  %5.0f CPU-us/request  elsewhere %.2f cores"
                                    + "  errors %d%s%n",
                            round, kind, counted.variant(), counted.perSecond(), counted.p50Millis(),
                            counted.p99Millis(), counted.cpuMicrosPerRequest(), counted.elsewhereCores(),
                            counted.errors(),
                            counted.statuses().isEmpty() ? "" : " " + counted.statuses());
                }
            }
        }

        System.out.println();
        for (String kind : KINDS) {
            for (String variant : VARIANTS) {
                List<Phase> mine = phases.stream().filter(p -> p.kind().equals(kind) && p.variant().equals(variant))
                        .toList();
                String prefix = "bench." + kind + "." + variant + ".";
                System.out.println(prefix + "per_s=" + format(median(mine.stream().mapToDouble(Phase::perSecond))));
                System.out.println(prefix + "phases=" + String.join(",",
                        mine.stream().map(p -> String.format(Locale.ROOT, "%.0f", p.perSecond())).toList()));
                System.out.println(prefix + "cpu_us=" + format(median(mine.stream()
                        .mapToDouble(Phase::cpuMicrosPerRequest))));
                System.out.println(prefix + "p50_ms=" + format(median(mine.stream().mapToDouble(Phase::p50Millis))));
                System.out.println(prefix + "p99_ms=" + format(median(mine.stream().mapToDouble(Phase::p99Millis))));
                System.out.println(prefix + "errors=" + mine.stream().mapToLong(Phase::errors).sum());
            }
            double[] ratios = new double[rounds];
            for (int round = 1; round <= rounds; round++) {
                ratios[round - 1] = figure(phases, round, kind, "with") / figure(phases, round, kind, "without");
            }
            System.out.println("bench." + kind + ".round_ratios=" + String.join(",",
                    Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.3f", r)).toList()));
            System.out.println("bench." + kind + ".median_round_ratio=" + String.format(Locale.ROOT, "%.3f",
                    median(Arrays.stream(ratios))));
        }
        System.exit(clean ? 0 : 1);
    }

    private static double figure(List<Phase> phases, int round, String kind, String variant) {
        return phases.stream().filter(p -> p.round() == round && p.kind().equals(kind) && p.variant().equals(variant))
                .findFirst().orElseThrow().perSecond();
    }

    /** One phase of {@code kind} on {@code target}: settle seconds uncounted, then counted seconds (none: a warm-up). */
    private static Phase run(int round, String kind, Target target, int clients, int settleSeconds,
            int countedSeconds) throws InterruptedException {
        boolean orders = kind.equals("orders");
        List<SocketSender> senders = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            // GETs: each thread its own symbol, all of them covered.
            senders.add(orders ? new SocketSender(target.base())
                    : new SocketSender(target.base(), "GET /api/quotes/" + target.symbols().get(i % target.symbols().size())));
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long counted = start + TimeUnit.SECONDS.toNanos(settleSeconds);
        long end = counted + TimeUnit.SECONDS.toNanos(countedSeconds);
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Recorder recorder = new Recorder(settleSeconds + countedSeconds);
            recorders.add(recorder);
            SocketSender sender = senders.get(i);
            threads.add(Thread.ofPlatform().name(kind + "-" + i).start(() -> loop(sender, orders, target, start,
                    counted, end, recorder)));
        }
        OrderLoad.sleepUntil(counted);
        Map<String, Long> before = countedSeconds > 0 ? ProcessTree.cpuTicks(target.pid()) : null;
        OrderLoad.sleepUntil(end);
        Map<String, Long> after = before != null ? ProcessTree.cpuTicks(target.pid()) : null;
        for (Thread thread : threads) {
            thread.join(JdkSender.REQUEST_TIMEOUT.toMillis() + 5_000);
        }
        senders.forEach(SocketSender::close);
        Recorder.Summary summary = Recorder.merge(recorders);
        if (countedSeconds == 0) {
            return null;
        }
        Map<String, Double> cpu = ProcessTree.cpuSeconds(before, after);
        return new Phase(round, kind, target.variant(), summary.count() / (double) countedSeconds, summary.count(),
                summary.errors(), summary.otherStatuses().isEmpty() ? "" : summary.otherStatuses().toString(),
                summary.percentileMillis(50), summary.percentileMillis(99),
                summary.count() == 0 ? Double.NaN : cpu.get("platform") * 1e6 / summary.count(),
                cpu.get("elsewhere") / countedSeconds);
    }

    /** A closed loop: one request, its answer, the next; counted when it completes inside the window. */
    private static void loop(SocketSender sender, boolean orders, Target target, long start, long counted, long end,
            Recorder recorder) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] none = new byte[0];
        int expected = orders ? 201 : 200;
        try {
            OrderLoad.sleepUntil(start);
            for (long t0 = System.nanoTime(); t0 < end; t0 = System.nanoTime()) {
                int status;
                try {
                    status = orders
                            ? sender.post(target.tokens().get(random.nextInt(target.tokens().size())),
                                    target.orders().get(random.nextInt(target.orders().size())))
                            : sender.post(null, none);
                } catch (IOException e) {
                    long t1 = System.nanoTime();
                    if (t1 >= counted && t1 < end) {
                        recorder.failure(e);
                    }
                    Thread.sleep(10); // a refused connection must not turn into a busy loop
                    continue;
                }
                long t1 = System.nanoTime();
                if (t1 >= counted && t1 < end) {
                    if (status == expected) {
                        recorder.success(t1 - t0);
                    } else {
                        recorder.status(status);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("users", "100", "clients", "32", "phase", "7",
                "settle", "2", "rounds", "5", "jit-warmup", "60"));
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage(args[i] + " needs a value");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String variant : VARIANTS) {
            if (!options.containsKey(variant + "-url") || !options.containsKey(variant + "-pid")) {
                usage("--" + variant + "-url and --" + variant + "-pid are required");
            }
        }
        return options;
    }

    private static int positive(Map<String, String> options, String name) {
        int n = whole(options, name);
        if (n < 1) {
            usage("--" + name + " must be >= 1");
        }
        return n;
    }

    private static int whole(Map<String, String> options, String name) {
        try {
            int n = Integer.parseInt(options.get(name));
            if (n < 0) {
                usage("--" + name + " must be >= 0");
            }
            return n;
        } catch (NumberFormatException e) {
            usage("--" + name + " must be a whole number, not " + options.get(name));
            return 0;
        }
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: MetricsLoad --with-url URL --with-pid PID --without-url URL"
                + " --without-pid PID [--users 100] [--clients 32] [--phase 7] [--settle 2] [--rounds 5]"
                + " [--jit-warmup 60] [--first with|without]");
        System.exit(2);
    }
}
