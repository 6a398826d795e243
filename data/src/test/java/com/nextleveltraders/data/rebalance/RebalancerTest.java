package com.nextleveltraders.data.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.RegisteredShard;
import com.nextleveltraders.data.Shard;
import com.nextleveltraders.data.ShardRegistry;
import com.nextleveltraders.data.ShardState;
import com.nextleveltraders.data.TestRows;
import com.nextleveltraders.data.TestServers;
import com.nextleveltraders.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real PostgreSQL servers: the catalog and shard 1 on the first, shard 2 on the second, and
 * a third added as shard 3 owning nothing; a rebalance spreads the rows over all three, and
 * removing shard 3 drains it again.
 */
class RebalancerTest {

    private static TestServers servers;
    private static EmbeddedPostgres third;
    private static PlatformConfig config;

    @BeforeAll
    static void start() throws Exception {
        servers = TestServers.start("rebalance", 3);
        third = servers.server(3);
        config = servers.config();
        servers.migrateWithShards(2);
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void addingAThirdShardAndRebalancingSpreadsTheRowsAndRemovingItDrainsThemBack() {
        try (Database database = Database.open(config)) {
            List<UUID> users = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                users.add(TestRows.seedUser(database, UUID.randomUUID(), 1));
            }
            long[] before = totals(database);

            RegisteredShard added = Rebalancer.addShard(database, third.host(), third.port(), third.database(), null, 0);
            assertThat(added.id()).isEqualTo(3);
            assertThatThrownBy(() -> Rebalancer.addShard(database, third.host(), third.port(), third.database(), null, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");

            Rebalancer.Plan plan = Rebalancer.analyze(database, Rebalancer.DEFAULT_THRESHOLD);
            assertThat(plan.needed()).isTrue();
            assertThat(plan.moves()).isNotEmpty().allMatch(move -> move.toShard() == 3);
            int[] expected = plan.distribution().apply(plan.moves()).directory();

            List<Rebalancer.Progress> progress = new ArrayList<>();
            long started = System.nanoTime();
            List<BucketMover.Result> results = Rebalancer.rebalance(database, Rebalancer.DEFAULT_THRESHOLD, progress::add);
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(results).hasSize(plan.moves().size()).allMatch(BucketMover.Result::moved);
            assertThat(progress).extracting(Rebalancer.Progress::done)
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, results.size()).boxed().toList());
            double[] freezes = results.stream().mapToDouble(BucketMover.Result::freezeMillis).sorted().toArray();
            System.out.printf("rebalanced 2 -> 3 shards: %d moves in %.1f s; freeze p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    results.size(), seconds, freezes[freezes.length / 2],
                    freezes[(int) Math.ceil(freezes.length * 0.99) - 1], freezes[freezes.length - 1]);

            assertThat(ShardRegistry.directory(database.catalog(), 1024)).containsExactly(expected);
            assertThat(Rebalancer.analyze(database, Rebalancer.DEFAULT_THRESHOLD).needed()).isFalse();
            assertThat(totals(database)).as("rows before and after").containsExactly(before);
            assertEveryUserOnTheDirectoryShard(database, users);
            assertThat(Arrays.stream(expected).filter(shard -> shard == 3).count()).isPositive();

            // A second rebalance while one runs is refused, and changes nothing.
            try (BucketMover running = BucketMover.open(database)) {
                assertThatThrownBy(() -> Rebalancer.rebalance(database, 0.1, p -> { }))
                        .isInstanceOf(BucketMover.MoveInProgressException.class);
                assertThatThrownBy(() -> Rebalancer.removeShard(database, 3, p -> { }))
                        .isInstanceOf(BucketMover.MoveInProgressException.class);
            }
            assertThatThrownBy(() -> Rebalancer.removeShard(database, 9, p -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no shard 9");
            assertThat(ShardRegistry.list(database.catalog())).allMatch(s -> s.state() == ShardState.ACTIVE);

            List<BucketMover.Result> drained = Rebalancer.removeShard(database, 3, p -> { });
            assertThat(drained).isNotEmpty().allMatch(BucketMover.Result::moved);
            assertThat(ShardRegistry.list(database.catalog()).get(2).state()).isEqualTo(ShardState.RETIRED);
            assertThat(ShardRegistry.directory(database.catalog(), 1024)).doesNotContain(3);
            assertThat(totals(database)).as("rows after draining").containsExactly(before);
            assertEveryUserOnTheDirectoryShard(database, users);
            assertThatThrownBy(() -> Rebalancer.removeShard(database, 3, p -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retired");
        }
    }

    private static void assertEveryUserOnTheDirectoryShard(Database database, List<UUID> users) {
        database.refreshDirectory();
        for (UUID user : users) {
            int owner = database.shardFor(user).id();
            for (Shard shard : database.router().shards()) {
                long rows = TestRows.count(shard.primary(), "SELECT (SELECT count(*) FROM accounts WHERE user_id = '"
                        + user + "') + (SELECT count(*) FROM orders WHERE user_id = '" + user + "')");
                assertThat(rows).as("rows of " + user + " on shard " + shard.id()).isEqualTo(shard.id() == owner ? 2 : 0);
            }
        }
    }

    /** Rows per table over every shard. */
    private static long[] totals(Database database) {
        database.refreshDirectory();
        long[] totals = new long[4];
        List<String> tables = List.of("accounts", "orders", "trades", "positions");
        for (Shard shard : database.router().shards()) {
            for (int i = 0; i < 4; i++) {
                totals[i] += TestRows.count(shard.primary(), "SELECT count(*) FROM " + tables.get(i));
            }
        }
        return totals;
    }
}
