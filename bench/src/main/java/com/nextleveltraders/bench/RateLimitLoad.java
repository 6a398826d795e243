package com.nextleveltraders.bench;

import com.nextleveltraders.cache.RateLimiters;
import com.nextleveltraders.cache.RatePolicy;
import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.config.Secrets;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.RedisServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rate-limit decisions per second through the platform's limiter (RateLimiters: one EVALSHA of
 * the GCRA script per decision over one multiplexed Lettuce connection) against redis-benchmark
 * running the same script with the same arguments on the same Redis server, in one run. The
 * limiter runs twice: blocking calls from {@code clients} threads (as a virtual thread per request
 * would make them), and the asynchronous calls the API's request path makes, {@code clients}
 * decisions in flight, each completion sending the next.
 *
 * <p>Usage: {@code RateLimitLoad <work dir> <clients> <seconds> <keys>}. Prints {@code key=value}
 * lines for the script to tabulate.
 */
public final class RateLimitLoad {

    private RateLimitLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int clients = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int keys = Integer.parseInt(args[3]);
        String redisBenchmark = findOnPath("redis-benchmark");
        if (redisBenchmark == null) {
            System.err.println("needs redis-benchmark on PATH (Debian: apt-get install redis-tools)");
            System.exit(2);
        }
        try (EmbeddedRedis redis = EmbeddedRedis.start(RedisServerOptions.defaults(work.resolve("redis")))) {
            PlatformConfig config = ConfigLoader.loadYaml("""
                    redis: { mode: standalone, nodes: [ { host: 127.0.0.1, port: %d, role: master } ] }
                    platform:
                      redis: { passwordFile: "%s" }
                    """.formatted(redis.port(), redis.passwordFile()));
            var limit = config.loadBalancer().rateLimit();
            RatePolicy policy = new RatePolicy(limit.requests(), limit.period(), limit.burst(),
                    config.caching().redis().rateLimit());
            try (RedisConnections connections = RedisConnections.open(config)) {
                RateLimiters limiter = RateLimiters.create(connections, policy, Clock.systemUTC());
                limiter.acquire("warm-up"); // loads the script
                String sha = connections.sync().scriptLoad(scriptText());

                run(limiter, clients, Duration.ofSeconds(Math.max(1, seconds / 4)), keys); // JIT warm-up
                runAsync(limiter, clients, Duration.ofSeconds(Math.max(1, seconds / 4)), keys);
                Map<String, Long> before = stats(connections);
                long decisions = run(limiter, clients, Duration.ofSeconds(seconds), keys);
                Map<String, Long> after = stats(connections);
                double ours = decisions / (double) seconds;
                long evalshas = after.get("evalsha") - before.get("evalsha");
                long commands = after.get("total") - before.get("total");
                // Round trips are the EVALSHA calls; Redis also counts the TIME, GET and SET that run
                // inside the script as commands, which is the second figure.
                System.out.printf("ours.decisions=%d%nours.per_second=%.0f%nours.round_trips_per_decision=%.3f%n"
                        + "ours.redis_commands_per_decision=%.3f%n", decisions, ours, evalshas / (double) decisions,
                        commands / (double) decisions);

                Map<String, Long> beforeAsync = stats(connections);
                long asyncDecisions = runAsync(limiter, clients, Duration.ofSeconds(seconds), keys);
                Map<String, Long> afterAsync = stats(connections);
                System.out.printf("async.decisions=%d%nasync.per_second=%.0f%nasync.round_trips_per_decision=%.3f%n"
                        + "async.local_decisions=%s%n", asyncDecisions, asyncDecisions / (double) seconds,
                        (afterAsync.get("evalsha") - beforeAsync.get("evalsha")) / (double) asyncDecisions,
                        limiter.isDegraded() ? "some" : "none");

                long requests = Math.max(10_000, (long) (ours * seconds));
                String password = Secrets.read(redis.passwordFile());
                List<String> command = List.of(redisBenchmark, "-h", redis.host(), "-p", Integer.toString(redis.port()),
                        "-a", password, "-c", Integer.toString(clients), "-n", Long.toString(requests), "-r", Integer.toString(keys),
                        "--csv", "EVALSHA", sha, "1", "ratelimit:bench:__rand_int__",
                        Long.toString(policy.interval().toNanos() / 1000), Integer.toString(policy.burst()),
                        Long.toString(policy.keyTtl().toMillis()));
                // The password of this throw-away server is on redis-benchmark's command line (it has no
                // other way in); it is masked in what is printed.
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor(10, TimeUnit.MINUTES);
                double theirs = parseRps(output);
                System.out.printf("peer.command=%s%npeer.requests=%d%npeer.per_second=%.0f%nratio=%.2f%n",
                        String.join(" ", command).replace(sha, "<sha>").replace(password, "***"), requests, theirs, ours / theirs);
            }
        }
    }

    private static long run(RateLimiters limiter, int clients, Duration duration, int keys) throws InterruptedException {
        LongAdder done = new LongAdder();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    limiter.acquire("bench:" + random.nextInt(keys));
                    done.increment();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return done.sum();
    }

    /** Keeps {@code inFlight} asynchronous decisions going until {@code duration} is over. */
    private static long runAsync(RateLimiters limiter, int inFlight, Duration duration, int keys)
            throws InterruptedException {
        LongAdder done = new LongAdder();
        long deadline = System.nanoTime() + duration.toNanos();
        CountDownLatch stopped = new CountDownLatch(inFlight);
        for (int c = 0; c < inFlight; c++) {
            decideNext(limiter, keys, deadline, done, stopped);
        }
        stopped.await();
        return done.sum();
    }

    private static void decideNext(RateLimiters limiter, int keys, long deadline, LongAdder done,
            CountDownLatch stopped) {
        limiter.acquireAsync("bench:" + ThreadLocalRandom.current().nextInt(keys)).whenComplete((decision, failure) -> {
            done.increment();
            // Sent from Lettuce's I/O thread, as the request path does: the next command is only queued.
            if (failure == null && System.nanoTime() < deadline) {
                decideNext(limiter, keys, deadline, done, stopped);
            } else {
                stopped.countDown();
            }
        });
    }

    /** evalsha calls and all commands processed, from INFO: round trips are commands here. */
    private static Map<String, Long> stats(RedisConnections connections) {
        String info = connections.sync().info("all");
        long evalsha = 0;
        long total = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:calls=")) {
                evalsha = Long.parseLong(line.substring("cmdstat_evalsha:calls=".length()).split(",")[0]);
            } else if (line.startsWith("total_commands_processed:")) {
                total = Long.parseLong(line.substring("total_commands_processed:".length()).strip());
            }
        }
        return Map.of("evalsha", evalsha, "total", total);
    }

    /** The first data row of redis-benchmark's CSV: "test","rps",... */
    private static double parseRps(String csv) {
        for (String line : csv.split("\n")) {
            String[] fields = line.split("\",\"");
            if (fields.length >= 2 && !fields[1].startsWith("rps")) {
                try {
                    return Double.parseDouble(fields[1].replace("\"", ""));
                } catch (NumberFormatException notData) {
                    // a header or a message line
                }
            }
        }
        throw new IllegalStateException("no result in redis-benchmark's output:\n" + csv);
    }

    private static String scriptText() throws IOException {
        try (var in = RateLimiters.class.getResourceAsStream("/redis/gcra.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
