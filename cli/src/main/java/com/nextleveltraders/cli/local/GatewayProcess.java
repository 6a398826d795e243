package com.nextleveltraders.cli.local;

import com.nextleveltraders.gateway.GatewayMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gateway JVM `nlt up` runs in front of the instances. Started again when it dies: the new
 * one learns every live instance again through {@code rejoin}.
 */
final class GatewayProcess {

    /** What to do once a restarted gateway serves (tell it the instances). */
    interface Rejoin {
        void run() throws IOException, InterruptedException;
    }

    // A cold first start (JIT, TLS set-up) takes seconds; far longer means something is wrong.
    private static final Duration START_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final ChildJvm jvm;
    private final List<Path> configFiles;
    private final Path portFile;
    private final Path pidFile;
    private final Path log;
    private volatile ProcessHandle current;

    private GatewayProcess(Path dataDir, long heapMib, List<Path> configFiles) {
        this.jvm = new ChildJvm(dataDir, heapMib, GatewayMain.class, ChildClasspath.of("nlt-gateway"));
        this.configFiles = List.copyOf(configFiles);
        this.portFile = dataDir.resolve("run").resolve("gateway.ports");
        this.pidFile = dataDir.resolve("run").resolve("gateway.pid");
        this.log = dataDir.resolve("logs").resolve("gateway.log");
    }

    /**
     * Starts the gateway, tracked by the supervisor, and returns its admin port once both its ports
     * serve.
     */
    static int start(Path dataDir, long heapMib, List<Path> configFiles, Supervisor supervisor, Rejoin rejoin)
            throws IOException, InterruptedException {
        GatewayProcess gateway = new GatewayProcess(dataDir, heapMib, configFiles);
        Process first = gateway.launch();
        int adminPort = gateway.awaitPorts(first);
        gateway.current = first.toHandle();
        supervisor.track(gateway::stop, new Supervisor.Child("the gateway", first.toHandle(), gateway.log,
                () -> gateway.restart(rejoin)));
        return adminPort;
    }

    private ProcessHandle restart(Rejoin rejoin) {
        try {
            Process next = launch();
            awaitPorts(next);
            rejoin.run();
            current = next.toHandle();
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process launch() throws IOException {
        Files.deleteIfExists(portFile);
        Process process = jvm.start(configFiles, portFile, log);
        Files.writeString(pidFile, Long.toString(process.pid()));
        return process;
    }

    private int awaitPorts(Process gateway) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!gateway.isAlive()) {
                throw new IOException("the gateway exited with code " + gateway.exitValue() + "; see " + log);
            }
            if (Files.isRegularFile(portFile)) {
                String[] ports = Files.readString(portFile).strip().split(" ");
                return Integer.parseInt(ports[1]);
            }
            Thread.sleep(100);
        }
        throw new IOException("the gateway did not start within " + START_WAIT.toSeconds() + " s; see " + log);
    }

    private void stop() throws Exception {
        ProcessHandle handle = current;
        handle.destroy();
        try {
            handle.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            handle.destroyForcibly();
        }
    }
}
