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
 * Entry point of an API instance process: {@code ApiMain [--config FILE]... [--watch-parent]}.
 * Configuration files apply over the defaults in order. With {@code --watch-parent} the instance
 * exits when the process that started it dies, so that a killed launcher leaves nothing behind.
 */
public final class ApiMain {

    private static final Logger LOG = LoggerFactory.getLogger(ApiMain.class);

    private ApiMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Path> files = new ArrayList<>();
        boolean watchParent = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    files.add(Path.of(args[++i]));
                }
                case "--watch-parent" -> watchParent = true;
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
        ApiInstance instance = ApiInstance.start(config, Clock.systemUTC(), true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("stopping");
            instance.close();
            stopped.countDown();
        }));
        if (watchParent) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                LOG.warn("parent process {} is gone: exiting", parent.pid());
                System.exit(0);
            }));
        }
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: ApiMain [--config FILE]... [--watch-parent]");
        System.exit(2);
    }
}
