package com.nextleveltraders.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end MARKET orders per second through the API of a running platform.
 *
 * <p>Registers {@code --users} users and logs each in, then, for each client kind of
 * {@code --client}, runs {@code --clients} closed-loop client threads that POST /api/orders (a
 * MARKET BUY of {@code --quantity} of a random symbol for a random user) for {@code --warmup}
 * seconds, not counted, then {@code --duration} seconds, counted. A request counts when it
 * completes inside the counted window: a 201 as a success with its latency, anything else as an
 * error by status. With {@code --platform-pid} (the `nlt up` launcher) it also reports the CPU
 * time each kind of platform process spent in the counted window. With {@code --jit-warmup S} an
 * uncounted phase of S seconds with every client kind at once comes first: a fresh API JVM on two
 * cores needs about a minute of load before its JIT has compiled the hot paths (and this JVM's
 * client code needs compiling too).
 *
 * <p>Client kinds: {@code jdk} is java.net.http.HttpClient (one per {@code --clients-per-http-client}
 * threads); {@code socket} is a hand-written HTTP/1.1 client on one blocking socket per thread,
 * the cheapest client possible, to see how much of the machine the client itself takes.
 *
 * <p>Prints a readable report, then the figures as {@code bench.KIND.NAME=VALUE} lines.
 */
public final class OrderLoad {

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SYMBOL = Pattern.compile("\"symbol\"\\s*:\\s*\"([^\"]+)\"");

    record Options(URI url, int users, int clients, int durationSeconds, int warmupSeconds, String quantity,
            int clientsPerHttpClient, List<String> clientKinds, long platformPid, int registerConcurrency,
            int jitWarmupSeconds) {
    }

    private OrderLoad() {
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        HttpClient setup = JdkSender.newClient();
        URI base = options.url();
        int health = setup.send(HttpRequest.newBuilder(base.resolve("/api/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (health != 200) {
            fail("GET /api/health answered " + health + ": is the platform up at " + base + "?");
        }
        List<String> symbols = symbols(setup, base);
        List<byte[]> bodies = new ArrayList<>();
        for (String symbol : symbols) {
            bodies.add(("{\"symbol\":\"" + symbol + "\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\""
                    + options.quantity() + "\"}").getBytes(StandardCharsets.UTF_8));
        }

        long registerStart = System.nanoTime();
        List<String> tokens = registerUsers(setup, base, options);
        double registerSeconds = (System.nanoTime() - registerStart) / 1e9;
        System.out.printf(Locale.ROOT, "registered and logged in %d users in %.1f s (%d at a time)%n",
                tokens.size(), registerSeconds, options.registerConcurrency());
        setup.close();

        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("bench.users", Integer.toString(options.users()));
        figures.put("bench.clients", Integer.toString(options.clients()));
        figures.put("bench.duration_s", Integer.toString(options.durationSeconds()));
        figures.put("bench.warmup_s", Integer.toString(options.warmupSeconds()));
        figures.put("bench.register_s", format(registerSeconds));
        if (options.jitWarmupSeconds() > 0) {
            // Every client kind at once, so that this JVM's client code gets compiled too.
            runPhase(String.join("+", options.clientKinds()), options.jitWarmupSeconds(), 0, base, tokens, bodies,
                    options, figures);
        }
        boolean clean = true;
        for (String kind : options.clientKinds()) {
            clean &= runPhase(kind, options.warmupSeconds(), options.durationSeconds(), base, tokens, bodies, options,
                    figures);
        }
        System.out.println();
        figures.forEach((key, value) -> System.out.println(key + "=" + value));
        System.exit(clean ? 0 : 1);
    }

    /**
     * One client kind: warm-up, counted window, report. False when nothing succeeded. A phase of
     * no counted seconds only warms the server up (its JIT above all) and reports its timeline.
     */
    private static boolean runPhase(String kind, int warmupSeconds, int durationSeconds, URI base, List<String> tokens,
            List<byte[]> bodies, Options options, Map<String, String> figures) throws InterruptedException {
        int clients = options.clients();
        List<HttpClient> httpClients = new ArrayList<>();
        List<OrderSender> senders = new ArrayList<>();
        // A mixed kind ("socket+jdk") gives thread i the kind i mod the number of kinds.
        String[] threadKinds = kind.split("\\+");
        int jdkThreads = 0;
        for (int i = 0; i < clients; i++) {
            if (threadKinds[i % threadKinds.length].equals("jdk")) {
                if (jdkThreads++ % options.clientsPerHttpClient() == 0) {
                    httpClients.add(JdkSender.newClient());
                }
                senders.add(new JdkSender(httpClients.getLast(), base));
            } else {
                senders.add(new SocketSender(base));
            }
        }
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long counted = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = counted + TimeUnit.SECONDS.toNanos(durationSeconds);
        for (int i = 0; i < clients; i++) {
            Recorder recorder = new Recorder(warmupSeconds + durationSeconds);
            recorders.add(recorder);
            OrderSender sender = senders.get(i);
            // Platform threads: 32 blocking threads are cheap, and a blocking socket read costs less
            // CPU on a kernel thread than a virtual thread's park and poller wake-up.
            threads.add(Thread.ofPlatform().name("client-" + i).start(
                    () -> clientLoop(sender, tokens, bodies, start, counted, end, recorder)));
        }

        sleepUntil(counted);
        boolean measured = durationSeconds > 0;
        Map<String, Long> cpuBefore = measured && options.platformPid() > 0
                ? ProcessTree.cpuTicks(options.platformPid()) : null;
        sleepUntil(end);
        Map<String, Long> cpuAfter = cpuBefore != null ? ProcessTree.cpuTicks(options.platformPid()) : null;
        for (Thread thread : threads) {
            thread.join(JdkSender.REQUEST_TIMEOUT.toMillis() + 5_000);
        }
        senders.forEach(OrderSender::close);
        httpClients.forEach(HttpClient::shutdownNow);

        Recorder.Summary summary = Recorder.merge(recorders);
        StringBuilder timeline = new StringBuilder();
        int[] timelineCounts = summary.perSecond();
        for (int s = 0; s < warmupSeconds + durationSeconds; s++) {
            timeline.append(s == warmupSeconds ? " | " : " ").append(timelineCounts[s]);
        }
        System.out.println();
        String threadsText = clients + " threads" + (kind.equals("jdk")
                ? " over " + httpClients.size() + " HttpClients (HTTP/1.1)"
                : kind.equals("socket") ? " (one socket each)" : " (" + jdkThreads + " on " + httpClients.size()
                        + " HttpClients, " + (clients - jdkThreads) + " on their own socket)");
        if (!measured) {
            System.out.printf(Locale.ROOT, "server warm-up, client %s: %s, %d s, not counted%n", kind, threadsText,
                    warmupSeconds);
            System.out.println("  201s per second:" + timeline);
            figures.put("bench.jit_warmup_s", Integer.toString(warmupSeconds));
            return true;
        }
        double perSecond = summary.count() / (double) durationSeconds;
        String prefix = "bench." + kind + ".";
        System.out.printf(Locale.ROOT, "client %s: %s, %d users, %d s counted after %d s warm-up%n", kind,
                threadsText, tokens.size(), durationSeconds, warmupSeconds);
        System.out.printf(Locale.ROOT, "  orders/s %.1f (%d x 201)%n", perSecond, summary.count());
        System.out.printf(Locale.ROOT, "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f%n",
                summary.percentileMillis(50), summary.percentileMillis(90), summary.percentileMillis(99),
                summary.percentileMillis(100), summary.meanMillis());
        System.out.println("  201s per second (warm-up | counted):" + timeline);
        System.out.println("  other statuses: " + (summary.otherStatuses().isEmpty() ? "none" : summary.otherStatuses())
                + "; transport failures: " + summary.failures()
                + (summary.firstFailure() == null ? "" : " (first: " + summary.firstFailure() + ")"));
        figures.put(prefix + "orders_per_s", format(perSecond));
        figures.put(prefix + "orders", Long.toString(summary.count()));
        figures.put(prefix + "p50_ms", format(summary.percentileMillis(50)));
        figures.put(prefix + "p90_ms", format(summary.percentileMillis(90)));
        figures.put(prefix + "p99_ms", format(summary.percentileMillis(99)));
        figures.put(prefix + "max_ms", format(summary.percentileMillis(100)));
        figures.put(prefix + "mean_ms", format(summary.meanMillis()));
        figures.put(prefix + "errors", Long.toString(summary.errors()));
        figures.put(prefix + "other_statuses", summary.otherStatuses().toString().replace(" ", ""));
        if (cpuBefore != null) {
            Map<String, Double> cpu = ProcessTree.cpuSeconds(cpuBefore, cpuAfter);
            double capacity = cpu.get("machine.busy") + cpu.get("machine.idle");
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "  CPU in the counted window (%.1f CPU-s available), CPU-s and CPU-us per order:%n", capacity));
            for (Map.Entry<String, Double> entry : cpu.entrySet()) {
                String name = switch (entry.getKey()) {
                    case "self" -> "load generator";
                    case "elsewhere" -> "rest of machine";
                    default -> entry.getKey();
                };
                line.append(String.format(Locale.ROOT, "    %-16s %7.2f s  %7.0f us%n", name, entry.getValue(),
                        summary.count() == 0 ? Double.NaN : entry.getValue() * 1e6 / summary.count()));
                figures.put(prefix + "cpu_s." + entry.getKey(), format(entry.getValue()));
            }
            System.out.print(line);
        }
        return summary.count() > 0;
    }

    private static void clientLoop(OrderSender sender, List<String> tokens, List<byte[]> bodies, long start,
            long counted, long end, Recorder recorder) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
            sleepUntil(start);
            for (long t0 = System.nanoTime(); t0 < end; t0 = System.nanoTime()) {
                String token = tokens.get(random.nextInt(tokens.size()));
                byte[] body = bodies.get(random.nextInt(bodies.size()));
                int status;
                try {
                    status = sender.post(token, body);
                } catch (IOException e) {
                    long t1 = System.nanoTime();
                    if (t1 >= counted && t1 < end) {
                        recorder.failure(e);
                    }
                    Thread.sleep(10); // a refused connection must not turn into a busy loop
                    continue;
                }
                long t1 = System.nanoTime();
                if (status == 201) {
                    recorder.completedAt((int) ((t1 - start) / 1_000_000_000L));
                }
                if (t1 >= counted && t1 < end) {
                    if (status == 201) {
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

    /** Registers and logs in every user, a few at a time: Argon2 makes each call cost ~50 ms of server CPU. */
    static List<String> registerUsers(HttpClient client, URI base, Options options)
            throws InterruptedException {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String password = "bench-password-" + run;
        List<Future<String>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(options.registerConcurrency())) {
            for (int i = 0; i < options.users(); i++) {
                String email = "bench-" + run + "-" + i + "@example.com";
                futures.add(pool.submit(() -> {
                    post(client, base.resolve("/api/users"), "{\"email\":\"" + email + "\",\"password\":\"" + password
                            + "\",\"displayName\":\"Bench " + email + "\"}");
                    String session = post(client, base.resolve("/api/sessions"),
                            "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
                    Matcher token = TOKEN.matcher(session);
                    if (!token.find()) {
                        throw new IOException("no token in " + session);
                    }
                    return token.group(1);
                }));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<String> future : futures) {
                try {
                    tokens.add(future.get());
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    fail("registering users failed: " + e.getCause().getMessage());
                }
            }
            return tokens;
        }
    }

    private static String post(HttpClient client, URI uri, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                .timeout(JdkSender.REQUEST_TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("POST " + uri.getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    static List<String> symbols(HttpClient client, URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/api/quotes")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> symbols = new ArrayList<>();
        Matcher matcher = SYMBOL.matcher(response.body());
        while (matcher.find()) {
            symbols.add(matcher.group(1));
        }
        if (response.statusCode() != 200 || symbols.isEmpty()) {
            fail("GET /api/quotes answered " + response.statusCode() + " without symbols");
        }
        return symbols;
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static Options parse(String[] args) {
        URI url = null;
        int users = 200;
        int clients = 32;
        int duration = 20;
        int warmup = 5;
        String quantity = "0.01";
        int perHttpClient = 4;
        List<String> kinds = List.of("jdk");
        long platformPid = 0;
        int registerConcurrency = 8;
        int jitWarmup = 0;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                usage(name + " needs a value");
            }
            String value = args[++i];
            try {
                switch (name) {
                    case "--url" -> url = URI.create(value);
                    case "--users" -> users = positive(name, value);
                    case "--clients" -> clients = positive(name, value);
                    case "--duration" -> duration = positive(name, value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--quantity" -> quantity = new java.math.BigDecimal(value).toPlainString();
                    case "--clients-per-http-client" -> perHttpClient = positive(name, value);
                    case "--client" -> kinds = List.of(value.split(","));
                    case "--platform-pid" -> platformPid = Long.parseLong(value);
                    case "--register-concurrency" -> registerConcurrency = positive(name, value);
                    case "--jit-warmup" -> jitWarmup = Integer.parseInt(value);
                    default -> usage("unknown option " + name);
                }
            } catch (IllegalArgumentException e) {
                usage(name + ": " + e.getMessage());
            }
        }
        if (url == null || url.getHost() == null || url.getPort() < 0) {
            usage("--url http://HOST:PORT is required");
        }
        if (warmup < 0 || jitWarmup < 0) {
            usage("--warmup and --jit-warmup must be >= 0");
        }
        for (String kind : kinds) {
            if (!kind.equals("jdk") && !kind.equals("socket")) {
                usage("--client takes jdk, socket or both (jdk,socket), not " + kind);
            }
        }
        return new Options(url, users, clients, duration, warmup, quantity, perHttpClient, kinds, platformPid,
                registerConcurrency, jitWarmup);
    }

    private static int positive(String name, String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException("must be >= 1, not " + n);
        }
        return n;
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: OrderLoad --url http://HOST:PORT [--users 200] [--clients 32]"
                + " [--duration 20] [--warmup 5] [--quantity 0.01] [--clients-per-http-client 4]"
                + " [--client jdk|socket|socket,jdk] [--platform-pid PID] [--register-concurrency 8] [--jit-warmup 0]");
        System.exit(2);
    }

    private static void fail(String problem) {
        System.err.println("OrderLoad: " + problem);
        System.exit(1);
    }
}
