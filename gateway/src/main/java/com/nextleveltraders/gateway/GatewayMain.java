package com.nextleveltraders.gateway;

import com.nextleveltraders.config.ConfigException;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.edge.ChildProcess;
import java.time.Clock;
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
        ChildProcess process = ChildProcess.parse(args,
                "GatewayMain [--config FILE]... [--parent-pid PID] [--port-file FILE]");
        GatewayServer gateway;
        try {
            PlatformConfig config = ConfigLoader.load(process.configs());
            process.requireLauncher();
            gateway = GatewayServer.start(config, Clock.systemUTC());
        } catch (ConfigException e) {
            System.err.println("invalid configuration:\n" + e.getMessage());
            System.exit(2);
            return;
        }
        process.writePorts(gateway.port() + " " + gateway.adminPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("stopping");
            gateway.close();
            stopped.countDown();
        }));
        process.followLauncher(LOG);
        stopped.await();
    }
}
