package com.nextleveltraders.api;

import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of an API instance process: {@code ApiMain [--config FILE]... [--parent-pid PID]}.
 * Configuration files apply over the defaults in order. With {@code --parent-pid} the instance
 * exits when that process (its launcher) dies, so that a killed launcher leaves nothing behind.
 */
public final class ApiMain {

    private static final Logger LOG = LoggerFactory.getLogger(ApiMain.class);

    private ApiMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Path> files = new ArrayList<>();
        long parentPid = 0;
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

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: ApiMain [--config FILE]... [--parent-pid PID]");
        System.exit(2);
    }
}
