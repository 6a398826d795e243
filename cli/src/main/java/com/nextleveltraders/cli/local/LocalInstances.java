package com.nextleveltraders.cli.local;

import com.nextleveltraders.api.ApiMain;
import com.nextleveltraders.autoscaler.Instance;
import com.nextleveltraders.autoscaler.InstanceProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API instances as local JVM processes, for the autoscaler. Launching one: start it on a free
 * port, wait until it answers its health check, add it to the gateway and wait until the gateway
 * has it UP (its slow start begins then). Stopping one: drain it at the gateway first, then SIGTERM.
 * An instance that dies on its own is dropped from the gateway and from {@link #instances()}; the
 * autoscaler then restores the minimum.
 */
final class LocalInstances implements InstanceProvider, AutoCloseable {

    /** A running instance with its process and port. */
    record Running(Instance instance, Process process, int port) {
    }

    // A cold JVM with its pools takes seconds; far longer means something is wrong.
    private static final Duration START_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final ChildJvm jvm;
    private final Path runDir;
    private final Path logDir;
    private final List<Path> configFiles;
    private final Path secretFile;
    private final Path adminTokenFile;
    private final GatewayAdmin gateway;
    private final Clock clock;
    private final AtomicInteger lastId = new AtomicInteger();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    // Ids the launcher stopped itself (a scale-down), so that a view of the fleet can tell them from lost ones.
    private final Set<String> stoppedOnPurpose = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param heapMib        each instance JVM's -Xmx ({@code platform.api.heap})
     * @param adminTokenFile the gateway's admin token, which each instance's fault switch requires
     */
    LocalInstances(Path dataDir, long heapMib, List<Path> configFiles, Path secretFile, Path adminTokenFile,
            GatewayAdmin gateway, Clock clock) {
        this.jvm = new ChildJvm(dataDir, heapMib, ApiMain.class, ChildClasspath.of("nlt-api"));
        this.runDir = dataDir.resolve("run");
        this.logDir = dataDir.resolve("logs");
        this.configFiles = List.copyOf(configFiles);
        this.secretFile = secretFile;
        this.adminTokenFile = adminTokenFile;
        this.gateway = gateway;
        this.clock = clock;
    }

    @Override
    public List<Instance> instances() {
        return running().stream().map(Running::instance).toList();
    }

    /** Live instances, oldest first. */
    /** Whether the instance with {@code id} was stopped by {@link #stop}, not lost. Ids are never reused. */
    boolean stoppedOnPurpose(String id) {
        return stoppedOnPurpose.contains(id);
    }

    List<Running> running() {
        return running.values().stream().filter(r -> r.process().isAlive())
                .sorted(Comparator.comparing((Running r) -> r.instance().startedAt()).thenComparing(r -> r.instance().id()))
                .toList();
    }

    @Override
    public Instance launch(String region) throws IOException, InterruptedException {
        String id = "api-" + lastId.incrementAndGet();
        Path instanceFile = runDir.resolve(id + ".yaml");
        Path portFile = runDir.resolve(id + ".port");
        Files.deleteIfExists(portFile);
        RunFiles.writeInstance(instanceFile, id, region, secretFile, adminTokenFile);
        List<Path> files = new ArrayList<>(configFiles);
        files.add(instanceFile);
        Path log = logDir.resolve(id + ".log");
        Process process = jvm.start(files, portFile, log);
        Files.writeString(runDir.resolve(id + ".pid"), Long.toString(process.pid()));
        try {
            int port = awaitPort(process, portFile, log);
            awaitHealthy(process, port, log);
            Instance instance = new Instance(id, region, clock.instant(),
                    URI.create("http://127.0.0.1:" + port + "/metrics"));
            Running started = new Running(instance, process, port);
            running.put(id, started);
            process.onExit().thenRun(() -> lost(started));
            addToGateway(id, port, region);
            awaitUpAtGateway(id, process, log);
            return instance;
        } catch (IOException | InterruptedException | RuntimeException e) {
            running.remove(id);
            stopProcess(process);
            throw e;
        }
    }

    @Override
    public void stop(Instance instance) throws IOException, InterruptedException {
        Running target = running.get(instance.id());
        if (target == null) {
            return;
        }
        stoppedOnPurpose.add(instance.id());
        boolean drained = gateway.drain(instance.id());
        running.remove(instance.id(), target);
        stopProcess(target.process());
        Files.deleteIfExists(runDir.resolve(instance.id() + ".pid"));
        System.out.println("instance " + instance.id() + " (" + instance.region() + ") stopped"
                + (drained ? " after draining" : "; the drain timed out with requests in flight"));
    }

    /** An instance exited without being asked: take it out of the gateway now. */
    private void lost(Running instance) {
        if (closing.get() || !running.remove(instance.instance().id(), instance)) {
            return;
        }
        System.err.println("instance " + instance.instance().id() + " (pid " + instance.process().pid()
                + ") exited unexpectedly with code " + instance.process().exitValue() + "; see "
                + logDir.resolve(instance.instance().id() + ".log"));
        Thread.ofVirtual().start(() -> {
            try {
                gateway.drain(instance.instance().id());
            } catch (IOException e) {
                System.err.println("could not remove " + instance.instance().id() + " from the gateway: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** After the gateway itself was restarted: tell it every live instance again. */
    void registerAll() throws IOException, InterruptedException {
        for (Running r : running()) {
            gateway.add(r.instance().id(), "127.0.0.1", r.port(), r.instance().region());
        }
    }

    private int awaitPort(Process process, Path portFile, Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the API instance exited with code " + process.exitValue() + "; see " + log);
            }
            if (Files.isRegularFile(portFile)) {
                return Integer.parseInt(Files.readString(portFile).strip());
            }
            Thread.sleep(100);
        }
        throw new IOException("the API instance did not start within " + START_WAIT.toSeconds() + " s; see " + log);
    }

    private void awaitHealthy(Process process, int port, Path log) throws IOException, InterruptedException {
        URI health = URI.create("http://127.0.0.1:" + port + "/api/health");
        Instant deadline = Instant.now().plus(START_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the API instance exited with code " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not answering yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the API instance was not healthy within " + START_WAIT.toSeconds() + " s; see " + log);
    }

    /** Adding is idempotent at the gateway, so a call that timed out is simply made again. */
    private void addToGateway(String id, int port, String region) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                gateway.add(id, "127.0.0.1", port, region);
                return;
            } catch (java.net.http.HttpTimeoutException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void awaitUpAtGateway(String id, Process process, Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the API instance exited with code " + process.exitValue() + "; see " + log);
            }
            try {
                if (gateway.backends().stream().anyMatch(b -> b.id().equals(id) && b.state().equals("UP"))) {
                    return;
                }
            } catch (IOException slow) {
                // a busy gateway answers late: ask again until the deadline
            }
            Thread.sleep(200);
        }
        throw new IOException("the gateway did not see " + id + " healthy within " + START_WAIT.toSeconds() + " s");
    }

    private static void stopProcess(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: the instance finishes what it has and closes its pools
        if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Stops every instance at once (the gateway is stopping too: nothing to drain towards). */
    @Override
    public void close() {
        closing.set(true);
        List<Running> all = new ArrayList<>(running.values());
        running.clear();
        all.forEach(r -> r.process().destroy());
        for (Running r : all) {
            try {
                if (!r.process().waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    r.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.process().destroyForcibly();
            }
        }
        http.close();
    }
}
