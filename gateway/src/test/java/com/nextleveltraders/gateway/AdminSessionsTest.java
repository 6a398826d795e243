package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminSessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final AdminSessions sessions = new AdminSessions(clock, Duration.ofHours(12));

    @Test
    void aSessionIsValidUntilItsExpiryAndThenForgotten() {
        String id = sessions.open();
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        clock.advance(Duration.ofHours(12).minusNanos(1));
        assertThat(sessions.valid(id)).isTrue();
        clock.advance(Duration.ofNanos(1));
        assertThat(sessions.valid(id)).isFalse();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aClosedSessionIsNoLongerValidAndOthersStay() {
        String first = sessions.open();
        String second = sessions.open();
        assertThat(first).isNotEqualTo(second);
        sessions.close(first);
        assertThat(sessions.valid(first)).isFalse();
        assertThat(sessions.valid(second)).isTrue();
        sessions.close("never-given");
        assertThat(sessions.valid("")).isFalse();
    }

    @Test
    void theNumberOfSessionsIsBoundedAndTheOneClosestToExpiryMakesRoom() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < AdminSessions.MAX_SESSIONS; i++) {
            ids.add(sessions.open());
            clock.advance(Duration.ofSeconds(1));
        }
        String newest = sessions.open();
        assertThat(sessions.size()).isEqualTo(AdminSessions.MAX_SESSIONS);
        assertThat(sessions.valid(ids.getFirst())).as("the oldest made room").isFalse();
        assertThat(sessions.valid(ids.get(1))).isTrue();
        assertThat(sessions.valid(newest)).isTrue();
        assertThat(new HashSet<>(ids)).hasSize(AdminSessions.MAX_SESSIONS);
    }

    @Test
    void expiredSessionsAreSweptWhenANewOneOpens() {
        for (int i = 0; i < 10; i++) {
            sessions.open();
        }
        clock.advance(Duration.ofHours(13));
        sessions.open();
        assertThat(sessions.size()).isEqualTo(1);
    }
}
