package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code database.replication}: every level PostgreSQL has, and "never" as null. */
class ReplicationSettingsTest {

    @Test
    void everyLevelIsReadAsPostgreSqlSpellsIt() {
        for (SynchronousCommit level : SynchronousCommit.values()) {
            Replication read = ConfigLoader.loadYaml("database: { replication: { synchronous: " + level.setting()
                    + " } }").database().replication();
            assertThat(read.synchronous()).isEqualTo(level);
        }
        assertThat(SynchronousCommit.REMOTE_APPLY.setting()).isEqualTo("remote_apply");
        assertThat(SynchronousCommit.REMOTE_WRITE.waitsForReplica()).isTrue();
        assertThat(SynchronousCommit.LOCAL.waitsForReplica()).isFalse();
        assertThat(SynchronousCommit.OFF.waitsForReplica()).isFalse();
    }

    @Test
    void aloneAfterIsADurationOrNullForNever() {
        assertThat(ConfigLoader.loadYaml("database: { replication: { aloneAfter: 30s } }").database().replication()
                .aloneAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigLoader.loadYaml("database: { replication: { aloneAfter: 30s } }").database().replication()
                .synchronous()).as("the default level stays").isEqualTo(SynchronousCommit.ON);
        assertThat(ConfigLoader.loadYaml("database: { replication: { aloneAfter: null } }").database().replication()
                .aloneAfter()).isNull();
    }

    @Test
    void whatCannotWorkIsRefusedNamingTheKey() {
        RefusalTest.problemsOf("database: { replication: { aloneAfter: 0s } }")
                .containsExactly("database.replication.aloneAfter: must be positive, or null for never (got 0s)");
        RefusalTest.problemsOf("database: { replication: { synchronous: sync } }").singleElement().asString()
                .startsWith("database.replication.synchronous: must be one of remote_apply, on, remote_write, local,"
                        + " off");
        // null is "never" for aloneAfter alone: elsewhere it is still refused.
        RefusalTest.problemsOf("database: { replication: { synchronous: null } }")
                .containsExactly("database.replication.synchronous: must not be null");
    }

    @Test
    void aRoundTripKeepsNeverAndTheLevel() {
        PlatformConfig defaults = ConfigLoader.defaults();
        String yaml = ConfigLoader.toYaml(defaults);
        assertThat(yaml).contains("synchronous: on").contains("aloneAfter: null");
        assertThat(ConfigLoader.loadYaml(yaml).database().replication()).isEqualTo(defaults.database().replication());
    }
}
