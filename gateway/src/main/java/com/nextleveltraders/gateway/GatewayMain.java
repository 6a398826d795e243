package com.nextleveltraders.gateway;

import com.nextleveltraders.api.ParentWatch;
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
 * Entry point of the gateway process:
 * {@code GatewayMain [--config FILE]... [--parent-pid PID] [--port-file FILE]}. Configuration files
 * apply over the defaults in order. With {@code --parent-pid} it exits when its launcher dies. With
 * {@code --port-file} it writes "PORT ADMIN_PORT" there once both ports serve.
 */
public final class GatewayMain {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    private GatewayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Path> files = new ArrayList<>();
        long parentPid = 0;
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length && List.of("--config", "--parent-pid", "--port-file").contains(arg)) {
                usage(arg + " needs a value");
            }
            switch (arg) {
                case "--config" -> files.add(Path.of(args[++i]));
                case "--port-file" -> portFile = Path.of(args[++i]);
                case "--parent-pid" -> {
                    try {
                        parentPid = Long.parseLong(args[++i]);
                    } catch (NumberFormatException e) {
                        usage("--parent-pid needs a pid");
                    }
                }
                default -> usage("unknown argument " + arg);
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
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(config, Clock.systemUTC());
        } catch (ConfigException e) {
            System.err.println("invalid configuration:\n" + e.getMessage());
            System.exit(2);
            return;
        }
        if (portFile != null) {
            writePorts(portFile, gateway.port(), gateway.adminPort());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("stopping");
            gateway.close();
            stopped.countDown();
        }));
        if (parentPid != 0) {
            long watched = parentPid;
            Runnable exit = () -> {
                LOG.warn("the launcher (pid {}) is gone: exiting", watched);
                System.exit(0);
            };
            if (!ParentWatch.start(watched, exit)) {
                exit.run();
            }
        }
        stopped.await();
    }

    private static void writePorts(Path file, int port, int adminPort) {
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, port + " " + adminPort);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the port file " + file, e);
        }
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: GatewayMain [--config FILE]... [--parent-pid PID] [--port-file FILE]");
        System.exit(2);
    }
}
