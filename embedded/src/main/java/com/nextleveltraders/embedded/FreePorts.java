package com.nextleveltraders.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Picks loopback TCP ports that are free right now. */
public final class FreePorts {

    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final int MAX_REMEMBERED = 1024;

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
