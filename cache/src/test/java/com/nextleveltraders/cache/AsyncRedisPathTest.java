package com.nextleveltraders.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.RedisServerOptions;
import com.nextleveltraders.testkit.Polling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking limiter and session lookup against a real Redis: the same answers as the
 * blocking calls, NOSCRIPT answered with EVAL, and the local fallback when Redis is gone or too slow.
 */
class AsyncRedisPathTest {

    // One request per 6 minutes, 5 back to back: no refill can happen while a test runs.
    private static final RatePolicy SLOW = new RatePolicy(10, Duration.ofHours(1), 5, Duration.ofHours(1));
    // The platform's default; the test of timeouts sets a short one of its own.
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    private static final Pattern CALLS = Pattern.compile("cmdstat_(\\w+):calls=(\\d+)");

    private Path base;
    private EmbeddedRedis redis;
    private RedisConnections connections;

    @BeforeEach
    void startRedis() throws IOException {
        base = Files.createTempDirectory("nlt-cache-test-");
        redis = startRedis(0);
        connections = RedisConnections.open(config(redis, COMMAND_TIMEOUT));
    }

    @AfterEach
    void stopRedis() throws IOException {
        connections.close();
        redis.close();
        try (var paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void asynchronousDecisionsDrawFromTheBudgetOfTheBlockingOnes() {
        RateLimiters limiter = RateLimiters.create(connections, SLOW, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            RateDecision decision = i % 2 == 0 ? join(limiter.acquireAsync("user:a")) : limiter.acquire("user:a");
            assertThat(decision.allowed()).as("request %d", i + 1).isTrue();
            assertThat(decision.shared()).isTrue();
            assertThat(decision.remaining()).isEqualTo(4 - i);
        }
        RateDecision refused = join(limiter.acquireAsync("user:a"));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.shared()).isTrue();
        assertThat(refused.retryAfter()).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(6));
        assertThat(limiter.acquire("user:a").allowed()).isFalse();
        assertThat(join(limiter.acquireAsync("user:b")).remaining()).isEqualTo(4);
        assertThat(limiter.isDegraded()).isFalse();
    }

    @Test
    void aScriptRedisLostIsSentWithEvalNeverWithScriptLoad() {
        RateLimiters limiter = RateLimiters.create(connections, SLOW, Clock.systemUTC());
        join(limiter.acquireAsync("user:a")); // a fresh server: NOSCRIPT, then EVAL
        connections.sync().scriptFlush();
        Map<String, Long> before = calls();

        RateDecision decision = join(limiter.acquireAsync("user:a"));
        assertThat(decision.shared()).isTrue();
        assertThat(decision.remaining()).isEqualTo(3); // the state survived the flush: only the script went
        Map<String, Long> flushed = calls();
        assertThat(flushed.getOrDefault("evalsha", 0L) - before.getOrDefault("evalsha", 0L)).isEqualTo(1);
        assertThat(flushed.getOrDefault("eval", 0L) - before.getOrDefault("eval", 0L)).isEqualTo(1);
        assertThat(flushed.getOrDefault("script", 0L)).isEqualTo(before.getOrDefault("script", 0L));

        join(limiter.acquireAsync("user:a"));
        Map<String, Long> cached = calls();
        assertThat(cached.get("evalsha") - flushed.get("evalsha")).isEqualTo(1);
        assertThat(cached.get("eval")).isEqualTo(flushed.get("eval"));
        assertThat(limiter.isDegraded()).isFalse();
    }

    @Test
    void sessionLookupsAnswerAsTheBlockingOnes() {
        TieredCache<String> userCache = new TieredCache<>(connections, "test:v1", Duration.ofMinutes(1), 100,
                Duration.ofMinutes(1), new TieredCache.Codec<>() {
                    @Override
                    public String encode(String value) {
                        return value;
                    }

                    @Override
                    public String decode(String text) {
                        return text;
                    }
                });
        SessionStore sessions = new SessionStore(connections, Duration.ofMinutes(5), Clock.systemUTC(), userCache,
                true);
        UUID userId = UUID.randomUUID();
        Session session = sessions.create(userId);

        // No generation yet: the cache's script starts one, through EVAL after the flush.
        connections.sync().scriptFlush();
        SessionStore.Lookup found = join(sessions.lookupAsync(session.token())).orElseThrow();
        assertThat(found.userId()).isEqualTo(userId);
        assertThat(found.generation()).isPresent();
        assertThat(found.writePosition()).isEmpty();
        assertThat(sessions.lookup(session.token())).contains(found);
        assertThat(join(sessions.lookupAsync(session.token()))).contains(found);

        userCache.invalidate(userId.toString());
        SessionStore.Lookup after = join(sessions.lookupAsync(session.token())).orElseThrow();
        assertThat(after.generation().getAsLong()).isNotEqualTo(found.generation().getAsLong());
        assertThat(sessions.lookup(session.token())).contains(after);

        // Without the cache: one GET, no generation.
        SessionStore plain = new SessionStore(connections, Duration.ofMinutes(5), Clock.systemUTC());
        assertThat(join(plain.lookupAsync(session.token())).orElseThrow().generation()).isEmpty();
        assertThat(join(plain.lookupAsync(session.token())).map(SessionStore.Lookup::userId)).contains(userId);

        String forged = session.token().substring(0, 33) + "A".repeat(43);
        assertThat(join(sessions.lookupAsync(forged))).isEmpty();
        assertThat(join(plain.lookupAsync(forged))).isEmpty();
        assertThat(join(sessions.lookupAsync("not a token"))).isEmpty();
        assertThat(sessions.delete(session.token())).isTrue();
        assertThat(join(sessions.lookupAsync(session.token()))).isEmpty();
    }

    @Test
    void withRedisGoneDecisionsAreLocalAndSharedAgainOnceItIsBack() {
        RateLimiters limiter = RateLimiters.create(connections, SLOW, Clock.systemUTC());
        SessionStore sessions = new SessionStore(connections, Duration.ofMinutes(5), Clock.systemUTC());
        Session session = sessions.create(UUID.randomUUID());
        assertThat(join(limiter.acquireAsync("user:a")).shared()).isTrue();
        int port = redis.port();

        redis.close();
        RateDecision local = join(limiter.acquireAsync("user:a"));
        assertThat(local.shared()).isFalse();
        assertThat(local.allowed()).isTrue();
        assertThat(limiter.isDegraded()).isTrue();
        // The local limiter has its own budget (the whole burst), as the blocking fallback does.
        assertThat(local.remaining()).isEqualTo(4);
        assertThat(limiter.acquire("user:a").shared()).isFalse();
        CompletionStage<Optional<SessionStore.Lookup>> lookup = sessions.lookupAsync(session.token());
        assertThatThrownBy(() -> join(lookup)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CacheUnavailableException.class);

        redis = startRedis(port); // same directory: the append-only file brings the session back
        assertThat(waitForShared(limiter)).isTrue();
        assertThat(limiter.isDegraded()).isFalse();
        assertThat(join(sessions.lookupAsync(session.token()))).isPresent();
    }

    @Test
    void aRedisThatDoesNotAnswerWithinTheCommandTimeoutCountsAsGone() {
        try (RedisConnections impatient = RedisConnections.open(config(redis, SHORT_TIMEOUT))) {
            RateLimiters limiter = RateLimiters.create(impatient, SLOW, Clock.systemUTC());
            assertThat(waitForShared(limiter)).isTrue();
            // Every client's commands wait, ours included: each times out after SHORT_TIMEOUT.
            connections.sync().clientPause(SHORT_TIMEOUT.multipliedBy(5).toMillis());
            long started = System.nanoTime();
            RateDecision local = join(limiter.acquireAsync("user:a"));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(local.shared()).isFalse();
            assertThat(limiter.isDegraded()).isTrue();
            assertThat(waited).isGreaterThanOrEqualTo(SHORT_TIMEOUT.minusMillis(50));
            assertThat(waitForShared(limiter)).isTrue();
            assertThat(limiter.isDegraded()).isFalse();
        }
    }

    private EmbeddedRedis startRedis(int port) {
        return EmbeddedRedis.start(new RedisServerOptions(base.resolve("redis"), base.resolve("redis-" + port + ".log"),
                port, ProcessHandle.current().pid(), Map.of()));
    }

    private static PlatformConfig config(EmbeddedRedis redis, Duration commandTimeout) {
        return ConfigLoader.loadYaml("""
                redis:
                  mode: standalone
                  nodes: [ { host: 127.0.0.1, port: %d, role: master } ]
                  commandTimeout: %dms
                platform:
                  redis: { passwordFile: "%s" }
                """.formatted(redis.port(), commandTimeout.toMillis(), redis.passwordFile()));
    }

    /** Polls for up to 20 s (Lettuce reconnects with a growing delay) until a decision is shared again. */
    private static boolean waitForShared(RateLimiters limiter) {
        try {
            Polling.until(Duration.ofSeconds(20), "a decision is shared again",
                    () -> join(limiter.acquireAsync("user:poll")).shared() ? null : "local");
            return true;
        } catch (AssertionError notShared) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Calls of each command since the server started, from its own counters. */
    private Map<String, Long> calls() {
        Map<String, Long> calls = new java.util.HashMap<>();
        Matcher matcher = CALLS.matcher(connections.sync().info("commandstats"));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
