package com.nextleveltraders.cli;

import static com.nextleveltraders.cli.NltCommand.deleteTree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `nlt up` as a user runs it, as a separate process: it comes up healthy, keeps data across a
 * stop and a start, stops every child on SIGTERM, and after kill -9 its children exit by
 * themselves and the next start on the same data dir is clean.
 */
@Tag("platform")
class NltUpProcessTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void upPersistsStopsCleanlyAndSurvivesKillNine() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("/tmp"), "nlt-up-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        int port = com.nextleveltraders.embedded.FreePorts.pick();
        String base = "http://127.0.0.1:" + port;
        String email = "persist-" + UUID.randomUUID() + "@example.com";

        UpProcess.Started first = UpProcess.start(dataDir, port);
        // The gateway's JVM carries only what its module graph allows: no JDBC driver, pool or migrations.
        String gatewayCommand = commandLine(dataDir.resolve("run").resolve("gateway.pid"));
        assertThat(gatewayCommand).contains("armeria").doesNotContain("postgresql").doesNotContain("HikariCP")
                .doesNotContain("flyway").doesNotContain("/data/target").doesNotContain("nlt-data");
        assertThat(post(base + "/api/users", "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\","
                + "\"displayName\":\"P\"}").statusCode()).isEqualTo(201);
        String token = login(base, email);
        assertThat(post(base + "/api/orders", token, "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}")
                .statusCode()).isEqualTo(201);
        first.process().destroy(); // SIGTERM
        assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        awaitNoProcessNaming(dataDir, Duration.ofSeconds(5));

        UpProcess.Started second = UpProcess.start(dataDir, port);
        String again = login(base, email);
        String orders = get(base + "/api/orders", again).body();
        assertThat(orders).contains("\"AAPL\"").contains("FILLED");
        second.process().destroyForcibly(); // kill -9: the children must notice and exit
        second.process().waitFor();
        awaitNoProcessNaming(dataDir, Duration.ofSeconds(30));

        UpProcess.Started third = UpProcess.start(dataDir, port);
        assertThat(get(base + "/api/orders", login(base, email)).body()).contains("FILLED");
        third.process().destroy();
        assertThat(third.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        awaitNoProcessNaming(dataDir, Duration.ofSeconds(5));
        deleteTree(dataDir);
    }

    /** The command line of the process whose pid {@code pidFile} holds, from /proc. */
    private static String commandLine(Path pidFile) throws IOException {
        String pid = Files.readString(pidFile).strip();
        return new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }


    @Test
    void anInvalidConfigurationStartsNothingAndExitsWithTwo() throws Exception {
        Path dataDir = Files.createTempDirectory("nlt-bad-config-");
        Path config = dataDir.resolve("bad.yaml");
        Files.writeString(config, "database:\n  pool:\n    min: 5\n    max: 3\n");
        Process process = new ProcessBuilder(NltCommand.javaCommand("up", "--data-dir", dataDir.resolve("data").toString(),
                "--config", config.toString())).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("database.pool.max: must be >= database.pool.min (3 < 5)");
        assertThat(dataDir.resolve("data")).doesNotExist();
        deleteTree(dataDir);
    }

    @Test
    void aTakenPortIsRefusedBeforeAnythingStarts() throws Exception {
        Path dataDir = Files.createTempDirectory("nlt-taken-port-");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process process = new ProcessBuilder(NltCommand.javaCommand("up", "--data-dir", dataDir.resolve("data").toString(),
                    "--port", Integer.toString(taken.getLocalPort()))).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(output).contains("is in use");
            assertThat(dataDir.resolve("data")).doesNotExist();
        } finally {
            deleteTree(dataDir);
        }
    }


    /** Polls until no process's command line names the data dir, or fails naming the leftovers. */
    private static void awaitNoProcessNaming(Path dataDir, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        List<String> leftovers;
        do {
            leftovers = ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir.toString())).orElse(false))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                    .toList();
            if (leftovers.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("processes still name " + dataDir + ": " + leftovers);
    }

    private String login(String base, String email) throws Exception {
        HttpResponse<String> session = post(base + "/api/sessions", "{\"email\":\"" + email
                + "\",\"password\":\"correct horse battery\"}");
        assertThat(session.statusCode()).isEqualTo(201);
        String body = session.body();
        int start = body.indexOf("\"token\":\"") + 9;
        return body.substring(start, body.indexOf('"', start));
    }

    private HttpResponse<String> post(String url, String json) throws Exception {
        return post(url, null, json);
    }

    private HttpResponse<String> post(String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
