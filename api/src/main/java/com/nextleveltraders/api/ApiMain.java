package com.nextleveltraders.api;

import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.edge.ChildProcess;
import java.time.Clock;
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
        ChildProcess process = ChildProcess.parse(args, "ApiMain [--config FILE]... [--parent-pid PID] [--port-file FILE]");
        PlatformConfig config;
        try {
            config = ConfigLoader.load(process.configs());
        } catch (ConfigException e) {
            System.err.println("invalid configuration:\n" + e.getMessage());
            System.exit(2);
            return;
        }
        process.requireLauncher();
        ApiInstance instance = ApiInstance.start(config, Clock.systemUTC(), true);
        process.writePorts(Integer.toString(instance.port()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("stopping");
            instance.close();
            stopped.countDown();
        }));
        process.followLauncher(LOG);
        stopped.await();
    }
}
