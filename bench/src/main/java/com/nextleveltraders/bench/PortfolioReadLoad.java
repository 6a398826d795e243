package com.nextleveltraders.bench;

import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.cache.SessionStore;
import com.nextleveltraders.cache.TieredCache;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.nextleveltraders.embedded.EmbeddedRedis;
import com.nextleveltraders.embedded.PostgresOptions;
import com.nextleveltraders.embedded.RedisServerOptions;
import com.nextleveltraders.trading.MarketSimulator;
import com.nextleveltraders.trading.PortfolioCache;
import com.nextleveltraders.trading.Portfolios;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Portfolio reads per second through the tiered cache against the same reads straight from
 * PostgreSQL, under a Zipf-distributed choice of users with a share of writes (each write
 * invalidates its user's entry, as a committed order does). Both phases use the platform's own
 * {@link Portfolios}, one with the cache and one with it disabled, on the same servers. Measured
 * twice: as authenticated requests (the session lookup every request makes, then the portfolio;
 * with the cache the lookup brings the user's cache generation along), and as the portfolio read
 * alone (the cached read then fetches the generation itself).
 *
 * <p>Usage: {@code PortfolioReadLoad <work dir> <users> <threads> <seconds> <zipf exponent> <write share>}.
 */
public final class PortfolioReadLoad {

    private PortfolioReadLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int users = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        double exponent = Double.parseDouble(args[4]);
        double writeShare = Double.parseDouble(args[5]);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(PostgresOptions.defaults(work.resolve("postgres")));
                EmbeddedRedis redis = EmbeddedRedis.start(RedisServerOptions.defaults(work.resolve("redis")))) {
            PlatformConfig config = BenchServers.config(postgres, redis);
            try (Database database = Database.open(config); RedisConnections connections = RedisConnections.open(config)) {
                Migrations.apply(database);
                UUID[] ids = seed(database, users);
                MarketSimulator market = new MarketSimulator(config.platform().market(), Clock.systemUTC());
                Zipf zipf = new Zipf(users, exponent);
                PortfolioCache cache = new PortfolioCache(connections, config);
                Portfolios direct = new Portfolios(database, market, Clock.systemUTC(), PortfolioCache.disabled());
                Portfolios cached = new Portfolios(database, market, Clock.systemUTC(), cache);
                Duration ttl = config.caching().redis().session();
                // As the API wires them: without the cache a lookup reads the session only; with it,
                // the session and the user's cache generation in the same script call.
                SessionStore plainSessions = new SessionStore(connections, ttl, Clock.systemUTC());
                SessionStore foldedSessions = new SessionStore(connections, ttl, Clock.systemUTC(), cache.tiered(), false);
                String[] tokens = new String[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    tokens[i] = plainSessions.create(ids[i]).token();
                }
                int warmUp = Math.max(1, seconds / 4);

                // 1. Authenticated requests: session lookup, then the portfolio (what GET /api/portfolio does).
                Read directRequest = i -> direct.of(plainSessions.lookup(tokens[i]).orElseThrow().userId());
                Read cachedRequest = i -> {
                    SessionStore.Lookup session = foldedSessions.lookup(tokens[i]).orElseThrow();
                    cached.of(session.userId(), session.generation());
                };
                // 2. The portfolio read alone; the cached one fetches its generation itself.
                Read directRead = i -> direct.of(ids[i]);
                Read cachedRead = i -> cached.of(ids[i]);

                run(directRequest, null, ids, zipf, threads, warmUp, writeShare);
                double directRequests = run(directRequest, null, ids, zipf, threads, seconds, writeShare) / (double) seconds;
                run(cachedRequest, cache, ids, zipf, threads, warmUp, writeShare);
                TieredCache.Stats before = cache.stats();
                double cachedRequests = run(cachedRequest, cache, ids, zipf, threads, seconds, writeShare) / (double) seconds;
                TieredCache.Stats after = cache.stats();
                double directReads = run(directRead, null, ids, zipf, threads, seconds, writeShare) / (double) seconds;
                double cachedReads = run(cachedRead, cache, ids, zipf, threads, seconds, writeShare) / (double) seconds;

                long l1 = after.l1Hits() - before.l1Hits();
                long l2 = after.l2Hits() - before.l2Hits();
                long misses = after.misses() - before.misses();
                long total = l1 + l2 + misses + after.bypasses() - before.bypasses();
                System.out.printf("request.direct.per_second=%.0f%nrequest.cached.per_second=%.0f%nrequest.ratio=%.1f%n"
                        + "read.direct.per_second=%.0f%nread.cached.per_second=%.0f%nread.ratio=%.1f%n"
                        + "hit_ratio=%.4f%nl1_share=%.4f%nl2_share=%.4f%nmiss_share=%.4f%n",
                        directRequests, cachedRequests, cachedRequests / directRequests,
                        directReads, cachedReads, cachedReads / directReads, (double) (l1 + l2) / total,
                        (double) l1 / total, (double) l2 / total, (double) misses / total);
            }
        }
    }

    /** One read of user number {@code index}. */
    private interface Read {
        void of(int index);
    }

    /** Users with a few positions each, written in bulk. */
    private static UUID[] seed(Database database, int users) throws Exception {
        try (Connection connection = database.catalog().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO users (id, bucket, email, display_name, password_hash, created_at) "
                    + "SELECT gen_random_uuid(), 0, 'reader' || g || '@example.com', 'r', 'x', now() "
                    + "FROM generate_series(1, " + users + ") g");
            statement.execute("INSERT INTO accounts (user_id, bucket, currency, cash) SELECT id, 0, 'USD', 100000 FROM users");
            statement.execute("INSERT INTO positions (user_id, bucket, symbol, quantity, cost_basis) "
                    + "SELECT u.id, 0, s, 10, 1000 FROM users u, unnest(ARRAY['AAPL','MSFT','KO']) s");
            statement.execute("ANALYZE users, accounts, positions");
            List<UUID> ids = new ArrayList<>();
            try (var rs = statement.executeQuery("SELECT id FROM users ORDER BY email")) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids.toArray(UUID[]::new);
        }
    }

    private static long run(Read read, PortfolioCache cache, UUID[] ids, Zipf zipf, int threads, int seconds,
            double writeShare) throws InterruptedException {
        LongAdder reads = new LongAdder();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    int user = zipf.sample(random);
                    if (cache != null && random.nextDouble() < writeShare) {
                        cache.invalidate(ids[user]);
                    } else {
                        read.of(user);
                        reads.increment();
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return reads.sum();
    }

    /** Ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s, by inverting the cumulative table. */
    private static final class Zipf {
        private final double[] cumulative;

        Zipf(int n, double exponent) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, exponent);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cumulative[i] /= sum;
            }
        }

        int sample(ThreadLocalRandom random) {
            int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
        }
    }
}
