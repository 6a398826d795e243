package com.nextleveltraders.api;

import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of an API instance process:
 * {@code ApiMain [--config FILE]... [--parent-pid PID] [--port-file FILE]}.
 * Configuration files apply over the defaults in order. With {@code --parent-pid} the instance
 * exits when that process (its launcher) dies, so that a killed launcher leaves nothing behind.
 * With {@code --port-file} it writes the port it listens on there once it serves (useful with
 * {@code platform.api.port: 0}, any free port).
 */
public final class ApiMain {

    private static final Logger LOG = LoggerFactory.getLogger(ApiMain.class);

    private ApiMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Path> files = new ArrayList<>();
        long parentPid = 0;
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    files.add(Path.of(args[++i]));
                }
                case "--parent-pid" -> {
                    if (i + 1 >= args.length) {
                        usage("--parent-pid needs a pid");
                    }
                    try {
                        parentPid = Long.parseLong(args[++i]);
                    } catch (NumberFormatException e) {
                        usage("--parent-pid needs a pid");
                    }
                }
                case "--port-file" -> {
                    if (i + 1 >= args.length) {
                        usage("--port-file needs a file");
                    }
                    portFile = Path.of(args[++i]);
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        PlatformConfig config;
        try {
            config = ConfigLoader.load(files);
        } catch (ConfigException e) {
            System.err.println("invalid configuration:\n" + e.getMessage());
            System.exit(2);
            return;
        }
        if (parentPid != 0 && !ParentWatch.alive(parentPid)) {
            System.err.println("the launcher (pid " + parentPid + ") is gone: not starting");
            System.exit(1);
        }
        ApiInstance instance = ApiInstance.start(config, Clock.systemUTC(), true);
        if (portFile != null) {
            writePort(portFile, instance.port());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("stopping");
            instance.close();
            stopped.countDown();
        }));
        if (parentPid != 0) {
            long watched = parentPid;
            boolean watching = ParentWatch.start(watched, () -> {
                LOG.warn("the launcher (pid {}) is gone: exiting", watched);
                System.exit(0);
            });
            if (!watching) {
                LOG.warn("the launcher (pid {}) is gone: exiting", watched);
                System.exit(0);
            }
        }
        stopped.await();
    }

    /** Written whole or not at all: a reader polling for the file never sees half a number. */
    private static void writePort(Path file, int port) {
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, Integer.toString(port));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the port file " + file, e);
        }
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: ApiMain [--config FILE]... [--parent-pid PID] [--port-file FILE]");
        System.exit(2);
    }
}
