package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class ChildClasspathTest {

    private static final List<String> GATEWAY_LIST = List.of(
            "",
            "The following files have been resolved:",
            "   com.nextleveltraders:nlt-edge:jar:0.1.0-SNAPSHOT:compile",
            "   com.linecorp.armeria:armeria:jar:1.37.0:compile -- module com.linecorp.armeria [auto]",
            "   io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.2.13.Final:runtime -- module io.netty.transport.epoll",
            "   io.netty:netty-transport:jar:4.2.13.Final:compile -- module io.netty.transport");

    @Test
    void aChildGetsItsModuleAndItsDependenciesAndNothingElse() {
        List<String> launcher = List.of(
                "/repo/cli/target/classes",
                "/repo/gateway/target/classes",
                "/repo/edge/target/nlt-edge-0.1.0-SNAPSHOT.jar",
                "/repo/data/target/classes",
                "/m2/armeria-1.37.0.jar",
                "/m2/netty-transport-4.2.13.Final.jar",
                "/m2/netty-transport-native-epoll-4.2.13.Final-linux-x86_64.jar",
                "/m2/postgresql-42.7.14.jar",
                "/m2/HikariCP-7.1.0.jar");
        assertThat(ChildClasspath.select(launcher, GATEWAY_LIST, "nlt-gateway")).containsExactly(
                "/repo/gateway/target/classes",
                "/repo/edge/target/nlt-edge-0.1.0-SNAPSHOT.jar",
                "/m2/armeria-1.37.0.jar",
                "/m2/netty-transport-4.2.13.Final.jar",
                "/m2/netty-transport-native-epoll-4.2.13.Final-linux-x86_64.jar");
    }

    @Test
    void theLaunchersVersionOfADependencyIsTheOneTaken() {
        List<String> launcher = List.of("/lib/nlt-gateway-0.1.0-SNAPSHOT.jar", "/lib/nlt-edge-0.1.0-SNAPSHOT.jar",
                "/lib/armeria-1.38.0.jar", "/lib/netty-transport-4.2.14.Final.jar",
                "/lib/netty-transport-native-epoll-4.2.14.Final-linux-x86_64.jar");
        assertThat(ChildClasspath.select(launcher, GATEWAY_LIST, "nlt-gateway")).hasSize(5);
    }

    @Test
    void aDependencyMissingFromTheLaunchersClassPathIsRefusedByName() {
        List<String> launcher = List.of("/lib/nlt-gateway-0.1.0-SNAPSHOT.jar", "/lib/nlt-edge-0.1.0-SNAPSHOT.jar",
                "/lib/netty-transport-4.2.13.Final.jar",
                "/lib/netty-transport-native-epoll-4.2.13.Final-linux-x86_64.jar");
        assertThatThrownBy(() -> ChildClasspath.select(launcher, GATEWAY_LIST, "nlt-gateway"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("armeria");
    }
}
