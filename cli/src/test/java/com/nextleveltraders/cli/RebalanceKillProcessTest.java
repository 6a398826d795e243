package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.NltCommand.deleteTree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nextleveltraders.cli.local.LocalPlatform;
import com.nextleveltraders.data.rebalance.BucketMover;
import com.nextleveltraders.embedded.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Crashes during bucket moves against a running `nlt up` with a third, empty shard: the mover
 * (`nlt shards rebalance`) killed with SIGKILL once at each step of a move the journal records;
 * and the whole platform with its PostgreSQL servers killed during a move. The next run finishes
 * or rolls back the interrupted move, and in the end every bucket has exactly one owner (the one
 * the directory names), every acknowledged order is on exactly one shard (its user's), no change
 * log is left, and the API still serves every order.
 */
@Tag("platform")
@Tag("kill")
class RebalanceKillProcessTest {

    private static final int USERS = 30;
    private static final int ORDERS_PER_USER = 3;
    /** The journal's steps, each of which one kill lands on, in this order. */
    private static final List<String> KILL_AT = List.of("START", "COPY", "CATCHUP", "FREEZE", "CLEANUP");
    private static final int BUCKETS = 1024;
    private static final String PASSWORD = "correct horse battery";
    private static final List<String> TABLES = List.of("accounts", "orders", "trades", "positions");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    /**
     * Each kill lands where the test chose, whatever the timing: the test holds the journal so that
     * the mover's next write to it waits ({@link JournalGate}), lets the writes through one at a
     * time until the open move is at the chosen step, and kills the mover there, while it does that
     * step's work or waits to record the next. The runs after a kill first resume what it left (a
     * later kill may land in that resume).
     */
    @Test
    void aRebalanceKilledAtAnyStepIsResumedOrRolledBackAndLosesOrDuplicatesNothing() throws Exception {
        try (Platform platform = new Platform("nlt-rebalance-kill-test-")) {
            List<String> killedAt = new ArrayList<>();
            for (String step : KILL_AT) {
                awaitMoveLockReleased(platform.catalog);
                try (JournalGate gate = new JournalGate(platform.catalog)) {
                    Process mover = launchRebalance(platform.dir);
                    String reached = gate.holdAt(step, mover);
                    String after = kill(List.of(mover.toHandle()), mover, platform.catalog);
                    System.out.println("kill at " + reached + ": the journal says " + after);
                    killedAt.add(after.split(" ")[0]);
                }
            }
            assertThat(killedAt).as("the step of the open move after each kill").containsExactlyElementsOf(KILL_AT);

            rebalanceToTheEnd(platform.dir);
            assertEverythingOnceWhereTheDirectorySays(platform.catalog, platform.trading);
            assertTheApiServesEveryOrder(platform.base, platform.trading);
        }
    }

    /**
     * Holds the move journal ({@code bucket_moves}) in SHARE mode, so that the mover's next write
     * to it (the start of a move, each step, its end: one transaction each) waits for the test.
     * Releasing it and taking it again lets exactly one waiting write through: the lock manager
     * grants the waiting write at the release, and the test's new request queues behind it until it
     * commits, before the mover can ask for the next one.
     */
    private static final class JournalGate implements AutoCloseable {
        private final Connection connection;

        JournalGate(Catalog catalog) throws SQLException {
            connection = catalog.connect(catalog.database());
            connection.setAutoCommit(false);
            hold();
        }

        private void hold() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("LOCK TABLE bucket_moves IN SHARE MODE");
            }
        }

        /**
         * Lets the mover's journal writes through one at a time until the open move is at
         * {@code step}, then holds the next; returns the open move.
         */
        String holdAt(String step, Process mover) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                String open = openMove(connection);
                if (open.startsWith(step + " ")) {
                    return open;
                }
                if (!mover.isAlive()) {
                    throw new AssertionError("the rebalance ended (exit " + mover.exitValue() + ") before a move"
                            + " reached " + step + "; the journal says " + open);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no move reached " + step + " in 120 s; the journal says " + open);
                }
                Thread.sleep(10); // while the mover starts, nothing waits: no need to spin
                connection.commit();
                hold();
            }
        }

        /** Lets the journal go: the killed mover's write that waited, if any, finds its session gone and rolls back. */
        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * The whole platform dies during a move, as on a power cut: SIGKILL at once to `nlt up`, to
     * every PostgreSQL server it started (the catalog's, each shard's primary and replica: they go
     * through crash recovery) and to the mover. The next `nlt up` finishes or rolls back the
     * interrupted move before it serves, and a rebalance run afterwards completes.
     */
    @Test
    void aPlatformKilledDuringAMoveResumesItAtItsNextStart() throws Exception {
        try (Platform platform = new Platform("nlt-platform-kill-test-")) {
            // Killed once a move is under way (the journal has an open row), not between moves.
            Process mover = startRebalance(platform.dir);
            String seen = awaitOpenMove(platform.catalog, mover);
            List<ProcessHandle> killed = new ArrayList<>();
            killed.add(platform.launcher.toHandle());
            killed.add(mover.toHandle());
            killed.addAll(postmasters(platform.dir));
            assertThat(killed).as("nlt up, the mover and 7 PostgreSQL servers").hasSize(9);
            // Whatever else it started (gateway, instances, Redis, watchdogs) must stop by itself.
            List<ProcessHandle> started = platform.launcher.descendants().toList();
            kill(killed, mover, null);
            System.out.println("the platform was killed during a move, last seen at step " + seen);
            for (ProcessHandle orphan : started) {
                assertThat(orphan.onExit().completeOnTimeout(null, 90, TimeUnit.SECONDS).get())
                        .as("process " + orphan.pid() + " " + orphan.info().commandLine().orElse("")
                                + " still running 90 s after nlt up died").isNotNull();
            }

            platform.startAgain();
            try (Connection c = platform.catalog.connect(platform.catalog.database())) {
                assertThat(longs(c, "SELECT count(*) FROM bucket_moves WHERE finished_at IS NULL"))
                        .as("moves left open after the restart").containsExactly(0L);
                List<String> last = strings(c, "SELECT step || ' ' || coalesce(note, '') FROM bucket_moves"
                        + " ORDER BY id DESC LIMIT 1");
                System.out.println("the interrupted move ended as: " + last);
            }
            rebalanceToTheEnd(platform.dir);
            assertEverythingOnceWhereTheDirectorySays(platform.catalog, platform.trading);
            assertTheApiServesEveryOrder(platform.base, platform.trading);
        }
    }

    /**
     * `nlt up` on a new data dir, with users who placed orders through the API and a third shard,
     * added empty: what both tests start from. Closing it stops the platform and removes the dir.
     */
    private final class Platform implements AutoCloseable {
        final Path dataDir;
        final Path dir;
        final int port = FreePorts.pick();
        final String base = "http://127.0.0.1:" + port;
        Path config;
        Process launcher;
        Trading trading;
        Catalog catalog;

        Platform(String prefix) throws Exception {
            dataDir = Files.createTempDirectory(Path.of("/tmp"), prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            dir = dataDir.resolve("data");
            try {
                config = testConfig(dataDir);
                launcher = UpProcess.start(dir, port, "--config", config.toString()).process();
                trading = trade(base);
                NltCommand.Result add = NltCommand.process("shards", "add", "--data-dir", dir.toString());
                assertThat(add.exitCode()).as(add.output()).isZero();
                catalog = Catalog.of(dir);
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        /** `nlt up` again on the same dir and port (the catalog may listen elsewhere now). */
        void startAgain() throws Exception {
            launcher = UpProcess.start(dir, port, "--config", config.toString()).process();
            catalog = Catalog.of(dir);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            NltCommand.stop(launcher);
            deleteTree(dataDir);
        }
    }

    /** Users, their sessions and the ids of the orders acknowledged to them. */
    private record Trading(Map<UUID, String> tokens, Map<UUID, List<UUID>> ordersOf) {
    }

    /** Registration and login are rate limited per client address; each test does 60 of them. */
    private static Path testConfig(Path dataDir) throws IOException {
        Path config = dataDir.resolve("test.yaml");
        Files.writeString(config, "platform:\n  authRateLimit: { requests: 6000, period: 1m, burst: 1000 }\n");
        return config;
    }

    private Trading trade(String base) throws Exception {
        Map<UUID, String> tokens = new LinkedHashMap<>();
        Map<UUID, List<UUID>> ordersOf = new LinkedHashMap<>();
        for (int i = 0; i < USERS; i++) {
            String email = "kill-" + UUID.randomUUID() + "@example.com";
            HttpResponse<String> created = send("POST", base + "/api/users", null, "{\"email\":\"" + email
                    + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":\"K\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            UUID user = UUID.fromString(json.readTree(created.body()).get("id").asText());
            HttpResponse<String> session = send("POST", base + "/api/sessions", null, "{\"email\":\"" + email
                    + "\",\"password\":\"" + PASSWORD + "\"}");
            assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
            tokens.put(user, json.readTree(session.body()).get("token").asText());
            List<UUID> placed = new ArrayList<>();
            for (int o = 0; o < ORDERS_PER_USER; o++) {
                HttpResponse<String> order = send("POST", base + "/api/orders", tokens.get(user), "{\"symbol\":\"AAPL\","
                        + "\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"" + (o + 1) + "\"}");
                assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
                placed.add(UUID.fromString(json.readTree(order.body()).get("id").asText()));
            }
            ordersOf.put(user, placed);
        }
        return new Trading(tokens, ordersOf);
    }

    private static void rebalanceToTheEnd(Path dir) throws Exception {
        NltCommand.Result finish = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            finish = NltCommand.process("shards", "rebalance", "--threshold", "0", "--data-dir", dir.toString());
            // 2: a killed mover's session may still hold the move lock for a moment.
            if (finish.exitCode() != 2) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(finish.exitCode()).as(finish.output()).isZero();
    }

    /**
     * No open move, no change log, each bucket owned by exactly the shard the directory names and
     * no row of another bucket on it, shard 3 given buckets, and every acknowledged order and
     * account on exactly one shard: its user's.
     */
    private static void assertEverythingOnceWhereTheDirectorySays(Catalog catalog, Trading trading) throws Exception {
        Map<UUID, List<UUID>> ordersOf = trading.ordersOf();
        try (Connection c = catalog.connect(catalog.database())) {
            assertThat(longs(c, "SELECT count(*) FROM bucket_moves WHERE finished_at IS NULL")).containsExactly(0L);
            Map<Integer, Integer> directory = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT bucket, shard_id FROM bucket_directory")) {
                while (rs.next()) {
                    directory.put(rs.getInt(1), rs.getInt(2));
                }
            }
            assertThat(directory).hasSize(BUCKETS);
            Map<UUID, Integer> bucketOf = new HashMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, bucket FROM users")) {
                while (rs.next()) {
                    bucketOf.put(rs.getObject(1, UUID.class), rs.getInt(2));
                }
            }
            Map<Integer, String[]> shards = new LinkedHashMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT id, primary_host, primary_port, database FROM shards ORDER BY id")) {
                while (rs.next()) {
                    shards.put(rs.getInt(1), new String[] {rs.getString(2), Integer.toString(rs.getInt(3)),
                            rs.getString(4)});
                }
            }
            assertThat(shards).hasSize(3);

            Map<Integer, List<Integer>> owners = new HashMap<>();
            Map<UUID, List<Integer>> orderShards = new HashMap<>();
            Map<UUID, List<Integer>> accountShards = new HashMap<>();
            for (var shard : shards.entrySet()) {
                String[] where = shard.getValue();
                try (Connection p = catalog.connect(where[0], Integer.parseInt(where[1]), where[2])) {
                    for (long bucket : longs(p, "SELECT bucket FROM owned_buckets")) {
                        owners.computeIfAbsent((int) bucket, b -> new ArrayList<>()).add(shard.getKey());
                    }
                    assertThat(longs(p, "SELECT count(*) FROM moving_buckets")).as("moving_buckets on shard "
                            + shard.getKey()).containsExactly(0L);
                    assertThat(longs(p, "SELECT count(*) FROM bucket_changes")).as("bucket_changes on shard "
                            + shard.getKey()).containsExactly(0L);
                    for (String table : TABLES) {
                        assertThat(longs(p, "SELECT count(*) FROM " + table
                                + " WHERE bucket NOT IN (SELECT bucket FROM owned_buckets)"))
                                .as(table + " rows of buckets shard " + shard.getKey() + " does not own")
                                .containsExactly(0L);
                    }
                    try (Statement s = p.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
                        while (rs.next()) {
                            orderShards.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>())
                                    .add(shard.getKey());
                        }
                    }
                    try (Statement s = p.createStatement();
                            ResultSet rs = s.executeQuery("SELECT user_id FROM accounts")) {
                        while (rs.next()) {
                            accountShards.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>())
                                    .add(shard.getKey());
                        }
                    }
                }
            }
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                assertThat(owners.get(bucket)).as("owners of bucket " + bucket)
                        .containsExactly(directory.get(bucket));
            }
            long onThird = directory.values().stream().filter(shard -> shard == 3).count();
            assertThat(onThird).as("buckets moved to shard 3").isPositive();

            int acknowledged = 0;
            for (var entry : ordersOf.entrySet()) {
                int home = directory.get(bucketOf.get(entry.getKey()));
                assertThat(accountShards.get(entry.getKey())).as("account of " + entry.getKey())
                        .containsExactly(home);
                for (UUID order : entry.getValue()) {
                    assertThat(orderShards.get(order)).as("order " + order).containsExactly(home);
                    acknowledged++;
                }
            }
            assertThat(orderShards).hasSize(acknowledged);
            assertThat(accountShards).hasSize(USERS);
        }
    }

    private void assertTheApiServesEveryOrder(String base, Trading trading) throws Exception {
        Map<UUID, List<UUID>> ordersOf = trading.ordersOf();
        Map<UUID, String> tokens = trading.tokens();
        for (var entry : tokens.entrySet()) {
            HttpResponse<String> listed = send("GET", base + "/api/orders", entry.getValue(), null);
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            JsonNode items = json.readTree(listed.body()).get("items");
            List<UUID> ids = new ArrayList<>();
            items.forEach(item -> ids.add(UUID.fromString(item.get("id").asText())));
            assertThat(ids).as("orders of " + entry.getKey()).containsExactlyInAnyOrderElementsOf(
                    ordersOf.get(entry.getKey()));
        }
    }


    /** Starts `nlt shards rebalance` and returns it once it has printed its first line. */
    private static Process startRebalance(Path dir) throws Exception {
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        Process mover = launchRebalance(dir, started);
        boolean printed = started.get(60, TimeUnit.SECONDS);
        if (!printed) {
            mover.destroyForcibly();
        }
        assertThat(printed).as("rebalance printed nothing").isTrue();
        return mover;
    }

    /** Starts `nlt shards rebalance` and returns it at once. */
    private static Process launchRebalance(Path dir) throws Exception {
        return launchRebalance(dir, new CompletableFuture<>());
    }

    /** Starts `nlt shards rebalance`, reading its output; {@code started} completes at its first line. */
    private static Process launchRebalance(Path dir, CompletableFuture<Boolean> started) throws Exception {
        Process mover = new ProcessBuilder(NltCommand.javaCommand("shards", "rebalance", "--threshold", "0",
                "--data-dir", dir.toString())).redirectErrorStream(true).start();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(mover.getInputStream(),
                    StandardCharsets.UTF_8))) {
                int c;
                while ((c = reader.read()) != -1) {
                    if (c == '\n' || c == '\r') {
                        started.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the process died
            }
            started.complete(false);
        });
        return mover;
    }

    /**
     * SIGKILL to each of {@code processes}, one right after the other; returns the step of the
     * journal's open move after that ("none" between moves), or, when {@code catalog} is null
     * (it was killed too), nothing. A mover that had already finished must have succeeded.
     */
    private static String kill(List<ProcessHandle> processes, Process mover, Catalog catalog) throws Exception {
        if (!mover.isAlive()) {
            assertThat(mover.exitValue()).as("the rebalance's exit code").isZero();
        }
        processes.forEach(ProcessHandle::destroyForcibly);
        assertThat(mover.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle process : processes) {
            process.onExit().get(30, TimeUnit.SECONDS);
        }
        return catalog == null ? "" : openMove(catalog);
    }

    private static String openMove(Catalog catalog) throws SQLException {
        try (Connection c = catalog.connect(catalog.database())) {
            return openMove(c);
        }
    }

    /** The step of the journal's open move and which move it is, or "none". */
    private static String openMove(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT bucket, from_shard, to_shard, step FROM bucket_moves"
                        + " WHERE finished_at IS NULL")) {
            if (!rs.next()) {
                return "none";
            }
            return rs.getString(4) + " (bucket " + rs.getInt(1) + ": " + rs.getInt(2) + " -> " + rs.getInt(3) + ")";
        }
    }

    /** Waits until the journal has a move in progress past its start, polling while the mover runs. */
    private static String awaitOpenMove(Catalog catalog, Process mover) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && mover.isAlive()) {
            String step = openMove(catalog);
            if (!step.equals("none") && !step.startsWith("START")) {
                return step;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no move under way while the rebalance ran (alive: " + mover.isAlive() + ")");
    }

    /**
     * Until the server has ended the killed mover's session, its move lock is held and a new
     * rebalance is refused (exit 2, as it should be): wait for that first.
     */
    private static void awaitMoveLockReleased(Catalog catalog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = catalog.connect(catalog.database())) {
                List<Long> holders = longs(c, """
                        SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
                          AND ((classid::bigint << 32) | objid::bigint) = %d""".formatted(BucketMover.LOCK_KEY));
                if (holders.equals(List.of(0L))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the killed mover's move lock was still held after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** The postmaster of every PostgreSQL server under the data directory, from its postmaster.pid. */
    private static List<ProcessHandle> postmasters(Path dir) throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path lock : files.filter(f -> f.getFileName().toString().equals("postmaster.pid")).toList()) {
                long pid = Long.parseLong(Files.readAllLines(lock).get(0).strip());
                ProcessHandle.of(pid).ifPresent(found::add);
            }
        }
        return found;
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static List<Long> longs(Connection connection, String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    /** Where the catalog is, from the run file `nlt up` wrote; every server shares its user and password. */
    private record Catalog(String host, int port, String database, String user, String password) {

        static Catalog of(Path dataDir) throws IOException {
            JsonNode pg = new ObjectMapper(new YAMLFactory()).readTree(
                    dataDir.resolve("run").resolve(LocalPlatform.SERVERS_FILE).toFile())
                    .get("platform").get("postgres");
            return new Catalog(pg.get("host").asText(), pg.get("port").asInt(), pg.get("database").asText(),
                    pg.get("user").asText(), Files.readString(Path.of(pg.get("passwordFile").asText())).strip());
        }

        Connection connect(String db) throws SQLException {
            return connect(host, port, db);
        }

        Connection connect(String onHost, int onPort, String db) throws SQLException {
            return DriverManager.getConnection("jdbc:postgresql://" + onHost + ":" + onPort + "/" + db, user, password);
        }
    }

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
