package com.nextleveltraders.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.testkit.MutableClock;
import com.nextleveltraders.testkit.Polling;
import com.nextleveltraders.testkit.TemporaryServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link SessionStore} against a real Redis: a session lives for the configured TTL,
 * Redis holds only a hash of each token, and a token opens only the session of the user it names.
 */
class SessionStoreTest {

    private static final Duration TTL = Duration.ofMinutes(30);

    private static TemporaryServers servers;
    private static RedisConnections redis;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:30:00Z"));
    private final SessionStore sessions = new SessionStore(redis, TTL, clock);

    @BeforeAll
    static void startRedis() {
        servers = TemporaryServers.start("sessions", 0, true);
        redis = RedisConnections.open(ConfigLoader.loadYaml(servers.platformYaml("")));
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        servers.close();
    }

    @Test
    void aSessionEndsOneTtlAfterLoginAndRedisForgetsItThen() {
        UUID user = UUID.randomUUID();
        Session session = sessions.create(user);
        assertThat(session.userId()).isEqualTo(user);
        assertThat(session.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        List<String> keys = redis.sync().keys("session:{" + user + "}:*");
        assertThat(keys).hasSize(1);
        assertThat(redis.sync().pttl(keys.getFirst())).isPositive().isLessThanOrEqualTo(TTL.toMillis());
    }

    @Test
    void anExpiredSessionNoLongerResolves() throws InterruptedException {
        SessionStore brief = new SessionStore(redis, Duration.ofMillis(200), clock);
        Session session = brief.create(UUID.randomUUID());
        Session lasting = sessions.create(UUID.randomUUID());
        Polling.until(Duration.ofSeconds(10), "the short session expires",
                () -> brief.resolve(session.token()).isEmpty() ? null : "still resolves");
        assertThat(sessions.resolve(lasting.token())).contains(lasting.userId());
    }

    @Test
    void redisHoldsAHashOfTheTokenNeverTheTokenItself() {
        UUID user = UUID.randomUUID();
        Session session = sessions.create(user);
        String secret = session.token().substring(session.token().indexOf('.') + 1);
        for (String key : redis.sync().keys("session:{" + user + "}:*")) {
            assertThat(key).doesNotContain(secret);
            assertThat(redis.sync().get(key)).isEqualTo(user.toString());
        }
        assertThat(sessions.resolve(session.token())).contains(user);
    }

    @Test
    void aTokenWhoseUserPartNamesAnotherUserOpensNoSession() {
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Session session = sessions.create(owner);
        sessions.create(other);
        String secret = session.token().substring(session.token().indexOf('.'));
        String claimed = other.toString().replace("-", "") + secret;
        assertThat(sessions.resolve(claimed)).isEmpty();
        assertThat(sessions.delete(claimed)).isFalse();
        assertThat(sessions.resolve(session.token())).contains(owner);
    }

    @Test
    void loggingOutEndsOnlyThatSessionOfTheUser() {
        UUID user = UUID.randomUUID();
        Session phone = sessions.create(user);
        Session laptop = sessions.create(user);
        assertThat(phone.token()).isNotEqualTo(laptop.token());
        assertThat(sessions.delete(phone.token())).isTrue();
        assertThat(sessions.resolve(phone.token())).isEmpty();
        assertThat(sessions.resolve(laptop.token())).contains(user);
        assertThat(sessions.delete(phone.token())).isFalse();
    }
}
