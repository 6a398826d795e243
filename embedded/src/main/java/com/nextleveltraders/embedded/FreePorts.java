package com.nextleveltraders.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Picks loopback TCP ports that are free right now. */
public final class FreePorts {

    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final int MAX_REMEMBERED = 1024;
    private static final int STABLE_LOW = 10000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /*
     * Ports handed out earlier in this JVM. The kernel may offer the same ephemeral port again as soon as our probe
     * socket is closed, before the caller has bound it; remembering them keeps two servers started in a row from
     * getting the same port.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * A port on 127.0.0.1 that nothing listens on at the moment of the call. Another process may still take it
     * before the caller binds it, so callers that can retry on "address in use" should.
     */
    public static int pick() {
        if (HANDED_OUT.size() > MAX_REMEMBERED) {
            HANDED_OUT.clear();
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new EmbeddedServerException("could not find a free TCP port on 127.0.0.1");
    }

    /**
     * A port that is free together with {@code port + offset} (Redis Cluster's bus port). Both are taken below the
     * kernel's ephemeral range when it leaves room, because a cluster keeps its ports across runs and in the ephemeral
     * range any outgoing connection could be holding one by the next run.
     */
    static int pickWithOffset(int offset) {
        if (HANDED_OUT.size() > MAX_REMEMBERED) {
            HANDED_OUT.clear();
        }
        int high = ephemeralLow() - offset - 1;
        boolean belowEphemeral = high - STABLE_LOW >= 1000;
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = belowEphemeral ? ThreadLocalRandom.current().nextInt(STABLE_LOW, high + 1) : probe();
            if (port + offset <= 65535 && !HANDED_OUT.contains(port + offset) && isFree(port)
                    && isFree(port + offset) && HANDED_OUT.add(port)) {
                HANDED_OUT.add(port + offset);
                return port;
            }
        }
        throw new EmbeddedServerException("could not find a free pair of TCP ports " + offset + " apart on 127.0.0.1");
    }

    /**
     * True when a server could listen on the port now. Like Redis we set SO_REUSEADDR, so connections of a server that
     * just stopped, lingering in TIME_WAIT, do not count as taking the port; only a listener does.
     */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port the kernel hands out for outgoing connections (Linux default 32768). */
    private static int ephemeralLow() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE).strip().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedServerException("could not open a probe socket on 127.0.0.1", e);
        }
    }
}
