package com.nextleveltraders.cli;

import com.nextleveltraders.cli.local.LocalPlatform;
import com.nextleveltraders.cli.local.ShardIdTakenException;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.RegisteredShard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Start the platform on this machine: PostgreSQL, the Redis tier and the API, until Ctrl-C.")
final class UpCommand implements Callable<Integer> {

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

    private Integer run(PlatformConfig config, Path dir, int apiPort) throws InterruptedException {
        long started = System.nanoTime();
        LocalPlatform platform = new LocalPlatform(dir);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            System.out.println("stopping...");
            platform.close();
            System.out.println("stopped");
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            platform.start(config, Optional.ofNullable(configFile), apiPort);
        } catch (ShardIdTakenException e) {
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
        System.out.println("  instances: " + platform.instances().stream()
                .map(i -> i.id() + " (" + i.region() + ")").toList() + "; `nlt scale status` shows them");
        var monitoring = platform.config().monitoring();
        long every = monitoring.interval().toMillis();
        System.out.println("  alerts: the strategy's thresholds, evaluated every "
                + (every % 1000 == 0 ? every / 1000 + "s" : every + "ms") + "; `nlt alerts` shows them"
                + (monitoring.webhooks().isEmpty() ? "" : ", " + monitoring.webhooks().size() + " webhook(s) notified"));
        // The path of the token, never the token: this output ends up in terminals' scrollback and CI logs.
        System.out.println("  operations: " + platform.opsUrl() + " (admin token in " + platform.adminTokenFile()
                + ")");
        System.out.println("  logs: " + platform.logDir() + " (gateway.log, api-N.log, postgres.log, redis-*.log, "
                + "sentinel-*.log)");
        System.out.println("  data: " + dir);
        System.out.println("Ctrl-C stops everything.");
        // Stay up until a signal. A child that dies on its own is started again when it can rejoin
        // (Redis nodes and Sentinels, the gateway, a shard's PostgreSQL replica); losing any other stops the rest
        // and fails.
        platform.supervise(() -> System.exit(1));
        // `nlt shards add` asks for a new local shard through DIR/run: started, watched and stopped as the rest.
        Thread.ofVirtual().name("add-shard-requests").start(() -> {
            try {
                AddShardRequest.serve(dir.resolve("run"), platform::stopping, () -> {
                    RegisteredShard shard = platform.addShard();
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
