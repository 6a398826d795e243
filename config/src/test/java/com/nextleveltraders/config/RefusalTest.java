package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;

/** Overrides that cannot be bound: unknown keys, wrong shapes, unreadable values. */
class RefusalTest {

    static ListAssert<String> problemsOf(String yaml) {
        try {
            ConfigLoader.loadYaml(yaml);
        } catch (ConfigException e) {
            return assertThat(e.problems());
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void anUnknownKeyIsRefusedWithItsPathAndTheClosestKnownKey() {
        problemsOf("loadBalancer:\n  healthCheck:\n    intervall: 20s\n")
                .containsExactly("loadBalancer.healthCheck.intervall: unknown key (did you mean interval?)");
    }

    @Test
    void anUnknownKeyFarFromAnyKnownOneGetsNoSuggestion() {
        problemsOf("database: { pool: { frobnicate: 1 } }")
                .containsExactly("database.pool.frobnicate: unknown key");
        problemsOf("nonsense: true").containsExactly("nonsense: unknown key");
    }

    @Test
    void keysDifferingOnlyInCaseAreUnknownButSuggested() {
        problemsOf("scaling: { MinInstances: 2 }")
                .containsExactly("scaling.MinInstances: unknown key (did you mean minInstances?)");
    }

    @Test
    void unknownKeysInsideListElementsAreRefused() {
        problemsOf("redis:\n  nodes:\n    - { host: a, port: 1, role: master, weight: 3 }\n")
                .containsExactly("redis.nodes[0].weight: unknown key");
    }

    @Test
    void aListElementMustBeComplete() {
        problemsOf("redis:\n  nodes:\n    - { host: a, role: master }\n")
                .containsExactly("redis.nodes[0].port: missing");
    }

    @Test
    void theStaticTtlIsReachedThroughItsYamlKey() {
        problemsOf("caching: { cdn: { staticAssets: 1d } }")
                .containsExactly("caching.cdn.staticAssets: unknown key");
        problemsOf("caching: { cdn: { static: soon } }")
                .containsExactly("caching.cdn.static: not a duration: \"soon\"");
    }

    @Test
    void anUnreadableDurationIsRefusedWithPathAndValue() {
        problemsOf("database: { pool: { idleTimeout: abc } }")
                .containsExactly("database.pool.idleTimeout: not a duration: \"abc\"");
    }

    @Test
    void wrongScalarsAreRefusedWithWhatWasExpected() {
        problemsOf("""
                scaling: { minInstances: three, regions: fra1 }
                loadBalancer: { ssl: { enabled: yes }, algorithm: round_robin }
                capacity: { perUser: { cpu: lots, memory: 50 megs } }
                platform: { market: { seed: 1.5, minPrice: 1e3 } }
                monitoring: { system: { cpu: { action: page } } }
                """).containsExactly(
                "scaling.minInstances: not an integer: \"three\"",
                "scaling.regions: expected a list, got \"fra1\"",
                "loadBalancer.algorithm: must be one of least_connections (got \"round_robin\")",
                "loadBalancer.ssl.enabled: not a boolean: \"yes\" (use true or false)",
                "monitoring.system.cpu.action: must be one of scale_up, alert (got \"page\")",
                "capacity.perUser.cpu: not a number: \"lots\"",
                "capacity.perUser.memory: not a size: \"50 megs\" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)",
                "platform.market.seed: not an integer: \"1.5\"",
                "platform.market.minPrice: not a decimal number: \"1e3\"");
    }

    @Test
    void nullIsOnlyAcceptedForPaths() {
        problemsOf("platform: { postgres: { user: null, passwordFile: null } }")
                .containsExactly("platform.postgres.user: must not be null");
        problemsOf("scaling: { minInstances: ~ }")
                .containsExactly("scaling.minInstances: must not be null");
        problemsOf("database: null")
                .containsExactly("database: expected a mapping, got null");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        assertThatThrownBy(() -> ConfigLoader.loadYaml("""
                scaling: { minInstance: 2, maxInstances: many }
                database:
                  pool: { idleTimeout: abc, connectionTimeout: -1s }
                platform: { api: { port: 99999999999 } }
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).containsExactly(
                            "scaling.minInstance: unknown key (did you mean minInstances?)",
                            "scaling.maxInstances: not an integer: \"many\"",
                            "database.pool.idleTimeout: not a duration: \"abc\"",
                            "database.pool.connectionTimeout: not a duration: \"-1s\" (must not be negative)",
                            "platform.api.port: not an integer: \"99999999999\" (out of range)");
                    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
                });
    }

    @Test
    void duplicateKeysAreRefused() {
        problemsOf("scaling:\n  minInstances: 2\n  minInstances: 4\n")
                .containsExactly("YAML text: scaling.minInstances: duplicate key");
    }

    @Test
    void theProblemListIsCappedForHugeInputs() {
        StringBuilder yaml = new StringBuilder("scaling:\n");
        for (int i = 0; i < 500; i++) {
            yaml.append("  unknown").append(i).append(": 1\n");
        }
        problemsOf(yaml.toString()).hasSize(101).last().isEqualTo("... and 400 more problems");
    }

    @Test
    void aValidOverrideIsNotRefused() {
        assertThat(ConfigLoader.loadYaml("scaling: { minInstances: 2 }").scaling().minInstances()).isEqualTo(2);
    }
}
