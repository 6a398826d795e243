package com.nextleveltraders.trading;

import com.nextleveltraders.cache.RedisConnections;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Migrations;
import com.nextleveltraders.testkit.MutableClock;
import com.nextleveltraders.testkit.TemporaryServers;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The trading services as an API instance wires them (portfolio cache in Redis included), on real
 * PostgreSQL and Redis processes started once per test JVM, with a hand-moved clock. The catalog is
 * also the only shard. Tests isolate themselves by registering their own users.
 */
final class TestTrading {

    private static TestTrading shared;

    final PlatformConfig config;
    final MutableClock clock;
    final Database database;
    final MarketSimulator market;
    final Users users;
    final Orders orders;
    final Trades trades;
    final Portfolios portfolios;
    final FillEngine fillEngine;

    private final TemporaryServers servers;
    private final RedisConnections redis;

    private TestTrading(TemporaryServers servers, PlatformConfig config, MutableClock clock, Database database,
            RedisConnections redis) {
        this.servers = servers;
        this.config = config;
        this.clock = clock;
        this.database = database;
        this.redis = redis;
        this.market = new MarketSimulator(config.platform().market(), clock);
        PortfolioCache cache = new PortfolioCache(redis, config);
        this.users = new Users(database, config, clock);
        this.orders = new Orders(database, market, config.query().patterns(), clock, cache);
        this.trades = new Trades(database, config.query().patterns());
        this.portfolios = new Portfolios(database, market, clock, cache);
        this.fillEngine = new FillEngine(database, market, config.platform().engine(), clock, cache);
    }

    static synchronized TestTrading get() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(shared::stop));
        }
        return shared;
    }

    /** A newly registered user with the configured starting cash. */
    UUID newTrader() {
        String email = "trader-" + UUID.randomUUID() + "@example.com";
        return users.register(new NewUser(email, "correct horse battery", "Trader")).id();
    }

    /** A market order of {@code quantity} shares. */
    PlacedOrder market(UUID userId, String symbol, String side, String quantity) {
        return orders.place(userId, new NewOrder(symbol, side, "MARKET", new BigDecimal(quantity), null, null));
    }

    /** A limit order of {@code quantity} shares at {@code limitPrice}. */
    PlacedOrder limit(UUID userId, String symbol, String side, String quantity, BigDecimal limitPrice) {
        return orders.place(userId, new NewOrder(symbol, side, "LIMIT", new BigDecimal(quantity), limitPrice, null));
    }

    List<Trade> tradesOf(UUID userId) {
        return trades.list(userId, Map.of("limit", List.of("100"))).items();
    }

    /** The catalog, which is also the shard every user lives on. */
    DataSource dataSource() {
        return database.catalog();
    }

    private static TestTrading start() {
        TemporaryServers servers = TemporaryServers.start("trading-test", 1, true);
        Database database = null;
        RedisConnections redis = null;
        try {
            PlatformConfig config = ConfigLoader.loadYaml(servers.platformYaml(""));
            database = Database.open(config);
            Migrations.apply(database);
            redis = RedisConnections.open(config);
            return new TestTrading(servers, config, new MutableClock(Instant.now()), database, redis);
        } catch (RuntimeException e) {
            // Servers that came up for a fixture that did not must not stay for the next test.
            if (redis != null) {
                redis.close();
            }
            if (database != null) {
                database.close();
            }
            servers.close();
            throw e;
        }
    }

    private void stop() {
        redis.close();
        database.close();
        servers.close();
    }
}
