package com.nextleveltraders.cli;

import com.nextleveltraders.config.PlatformConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Start the platform on this machine: PostgreSQL, the Redis tier and the API, until Ctrl-C.")
final class UpCommand implements Callable<Integer> {

    // A child that keeps dying is not helped by starting it again: give up after this many restarts.
    private static final int MAX_RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".nlt-data",
            description = "where data, logs and pid files live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", paramLabel = "N",
            description = "the public port, served by the gateway (default: platform.gateway.port, 8080)")
    Integer port;

    @Option(names = "--config", paramLabel = "FILE", description = "a YAML file overriding the defaults")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        PlatformConfig config = ConfigCommand.load(configFile);
        if (config == null) {
            return Nlt.USAGE;
        }
        int apiPort = port != null ? port : config.platform().gateway().port();
        if (apiPort < 1 || apiPort > 65535) {
            System.err.println("--port: must be from 1 to 65535 (" + apiPort + ")");
            return Nlt.USAGE;
        }
        String host = config.platform().gateway().host();
        if (!isFree(host, apiPort)) {
            System.err.println("--port: " + host + ":" + apiPort + " is in use; choose another with --port");
            return Nlt.USAGE;
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        // One launcher per data dir. The OS drops the lock when its holder dies, even by kill -9.
        try (FileChannel lockFile = FileChannel.open(dir.resolve("nlt.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                System.err.println("another `nlt up` is running on " + dir);
                return Nlt.USAGE;
            }
            return run(config, dir, apiPort);
        }
    }

    /** Checked before anything starts, so that a taken port costs nothing but this message. */
    private static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void watch(LocalPlatform.Child child, AtomicBoolean stopping, Deque<Long> restarts) {
        child.handle().onExit().thenRun(() -> Thread.ofVirtual().start(() -> {
            if (stopping.get()) {
                return;
            }
            long now = System.nanoTime();
            restarts.removeIf(at -> now - at > RESTART_WINDOW.toNanos());
            if (child.restart() == null || restarts.size() >= MAX_RESTARTS) {
                System.err.println(child.name() + " exited unexpectedly" + (child.restart() == null ? ""
                        : " " + MAX_RESTARTS + " times within " + RESTART_WINDOW.toMinutes() + " min")
                        + "; see " + child.log());
                System.exit(1);
            }
            restarts.addLast(now);
            System.err.println(child.name() + " (pid " + child.handle().pid() + ") exited unexpectedly; starting it"
                    + " again (see " + child.log() + ")");
            try {
                ProcessHandle next = child.restart().run();
                if (!stopping.get()) {
                    System.out.println(child.name() + " is back, pid " + next.pid());
                }
                watch(child.withHandle(next), stopping, restarts);
            } catch (RuntimeException e) {
                if (!stopping.get()) {
                    System.err.println(child.name() + " could not be started again: " + e.getMessage());
                    System.exit(1);
                }
            }
        }));
    }

    private Integer run(PlatformConfig config, Path dir, int apiPort) throws InterruptedException {
        long started = System.nanoTime();
        LocalPlatform platform = new LocalPlatform(dir);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            stopping.set(true);
            System.out.println("stopping...");
            platform.close();
            System.out.println("stopped");
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            platform.start(config, Optional.ofNullable(configFile), apiPort);
        } catch (LocalPlatform.ShardIdTakenException e) {
            System.err.println("nlt up: " + e.getMessage());
            Runtime.getRuntime().removeShutdownHook(hook);
            platform.close();
            return Nlt.USAGE;
        } catch (IOException | RuntimeException e) {
            System.err.println("nlt up failed: " + e.getMessage());
            System.err.println("logs: " + platform.logDir());
            Runtime.getRuntime().removeShutdownHook(hook);
            platform.close();
            return 1;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // The loopback URL first: it works with any local tool, without trusting the self-signed certificate.
        System.out.printf("NextLevel Traders is up in %.1f s: %s%s%n", took.toMillis() / 1000.0, platform.loopbackUrl(),
                platform.url().equals(platform.loopbackUrl()) ? ""
                        : " (plain HTTP, loopback only; HTTPS: " + platform.url() + ")");
        System.out.println("  instances: " + platform.instances().instances().stream()
                .map(i -> i.id() + " (" + i.region() + ")").toList() + "; `nlt scale status` shows them");
        System.out.println("  logs: " + platform.logDir() + " (gateway.log, api-N.log, postgres.log, redis-*.log, "
                + "sentinel-*.log)");
        System.out.println("  data: " + dir);
        System.out.println("Ctrl-C stops everything.");
        // Stay up until a signal. A child that dies on its own is started again when it can rejoin
        // (Redis nodes and Sentinels); losing any other stops the rest and fails.
        for (LocalPlatform.Child child : platform.children()) {
            watch(child, stopping, new ArrayDeque<>());
        }
        // `nlt shards add` asks for a new local shard through DIR/run: started, watched and stopped as the rest.
        Thread.ofVirtual().name("add-shard-requests").start(() -> {
            try {
                AddShardRequest.serve(dir.resolve("run"), stopping::get, () -> {
                    LocalPlatform.StartedShard added = platform.addShard();
                    added.children().forEach(child -> watch(child, stopping, new ArrayDeque<>()));
                    var shard = added.shard();
                    System.out.println("shard " + shard.id() + " added: primary " + shard.primaryHost() + ":"
                            + shard.primaryPort() + ", replica " + shard.replicaHost() + ":" + shard.replicaPort());
                    return new AddShardRequest.Added(shard.id(), shard.primaryHost() + ":" + shard.primaryPort(),
                            shard.replicaHost() + ":" + shard.replicaPort());
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopped.await();
        return 0;
    }
}
