package com.nextleveltraders.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.cache.WritePosition;
import com.nextleveltraders.cache.WritePositions;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.rebalance.Rebalancer;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A running instance (its own {@link Database}) and a shard retired by another process (the
 * operator's {@code nlt shards remove}): once the instance reads the directory again, it stops
 * watching the shard's replica and later closes the shard's pools, except a pool the catalog or a shard
 * still in use shares. Two servers: the catalog and shard 1 on the first, shard 2 on the second
 * (which also stands for shard 2's replica: the watch is what is tested, not the replica). The
 * pools close a while after the shard left (at once in this test's instance), so that a request
 * that took the shard from the directory just before is not cut off.
 */
@Tag("slow")
class RetiredShardTest {

    private static TestServers servers;
    private static EmbeddedPostgres first;
    private static EmbeddedPostgres second;
    private static PlatformConfig config;

    @BeforeAll
    static void start() throws Exception {
        servers = TestServers.start("retired", 2);
        first = servers.server(1);
        second = servers.server(2);
        config = servers.config();
        servers.migrate(List.of(
                RegisteredShard.primaryOnly(1, first.host(), first.port(), first.database()),
                new RegisteredShard(2, second.host(), second.port(), second.host(), second.port(),
                        second.database(), ShardState.ACTIVE)));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    /** Write positions in memory, as Redis keeps them for every instance. */
    private static final class Positions implements WritePositions {
        private final Map<UUID, WritePosition> last = new ConcurrentHashMap<>();

        @Override
        public void remember(UUID user, WritePosition position) {
            last.put(user, position);
        }

        @Override
        public Optional<WritePosition> lastWrite(UUID user) {
            return Optional.ofNullable(last.get(user));
        }
    }

    @Test
    void aRunningInstanceLetsGoOfTheServersOfAShardRetiredElsewhere() throws SQLException {
        try (Database running = Database.open(config, Duration.ZERO); Database operator = Database.open(config);
                Database patient = Database.open(config)) {
            running.useWritePositions(new Positions());
            UUID onOne = userOn(running, 1);
            UUID onTwo = userOn(running, 2);
            running.read("test_read", onTwo, connection -> 1); // starts watching shard 2's replica
            assertThat(running.watchedReplicas()).containsExactly(2);
            HikariDataSource one = pool(running, 1);
            HikariDataSource two = pool(running, 2);
            assertThat(one).isSameAs(running.catalog());
            // An instance with the default delay, holding a connection of shard 2's pool as a
            // request that took the shard from the directory just before it retired would.
            HikariDataSource patientTwo = pool(patient, 2);
            Connection inFlight = patientTwo.getConnection();

            // Shard 1 shares its server's pool with the catalog: retired, the pool stays.
            Rebalancer.removeShard(operator, 1, progress -> { });
            running.refreshDirectory();
            assertThat(one.isClosed()).isFalse();
            assertThat(running.isUp()).isTrue();
            assertThat(running.watchedReplicas()).containsExactly(2);

            // A new shard on the first server again; then shard 2 retires: its pool closes, its watch stops.
            Rebalancer.addShard(operator, first.host(), first.port(), first.database(), null, 0);
            Rebalancer.removeShard(operator, 2, progress -> { });
            running.refreshDirectory();
            patient.refreshDirectory();
            assertThat(two.isClosed()).isTrue();
            assertThat(running.watchedReplicas()).isEmpty();
            // There the pool stays open for a minute: the request finishes, and a new one gets a connection.
            assertThat(patientTwo.isClosed()).isFalse();
            assertThat(inFlight.isValid(1)).isTrue();
            inFlight.close();
            try (Connection late = patientTwo.getConnection()) {
                assertThat(late.isValid(1)).isTrue();
            }
            assertThat(patient.router().shards()).extracting(Shard::id).containsExactly(3);
            assertThat(running.router().shards()).extracting(Shard::id).containsExactly(3);

            // Both users are served by the shard left, through the same instance.
            for (UUID user : List.of(onOne, onTwo)) {
                UUID order = UUID.randomUUID();
                running.write("test_write", user, connection -> TestRows.insertOrder(connection, user,
                        running.router().bucketOf(user), order));
                assertThat(TestRows.count(pool(running, 3), "SELECT count(*) FROM orders WHERE id = '" + order + "'"))
                        .isEqualTo(1);
            }
        }
    }

    private static UUID userOn(Database database, int shard) {
        while (true) {
            UUID user = UUID.randomUUID();
            if (database.shardFor(user).id() == shard) {
                return TestRows.seedUser(database, user, 1);
            }
        }
    }

    private static HikariDataSource pool(Database database, int shard) {
        return (HikariDataSource) database.router().shards().stream().filter(s -> s.id() == shard).findFirst()
                .orElseThrow().primary();
    }
}
