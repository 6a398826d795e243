package com.nextleveltraders.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void picksDistinctBindablePorts() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.pick();
            assertThat(port).isBetween(1, 65535);
            assertThat(ports.add(port)).isTrue();
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            }
        }
    }

    @Test
    void picksPortsWhoseBusPortIsFreeTooAndTellsATakenPort() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            int port = FreePorts.pickWithOffset(10000);
            assertThat(port + 10000).isLessThanOrEqualTo(65535);
            assertThat(ports.add(port)).isTrue();
            assertThat(FreePorts.isFree(port)).isTrue();
            assertThat(FreePorts.isFree(port + 10000)).isTrue();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            assertThat(FreePorts.isFree(socket.getLocalPort())).isFalse();
        }
    }
}
