package com.nextleveltraders.cache;

import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Sessions in Redis with the strategy's session TTL. Only a SHA-256 of each token is stored, so a
 * copy of Redis's data does not hand out logins.
 */
public final class SessionStore {

    private static final int TOKEN_BYTES = 32;
    private static final String PREFIX = "session:";

    private final RedisConnections redis;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SessionStore(RedisConnections redis, Duration ttl, Clock clock) {
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
    }

    public Session create(UUID userId) {
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try {
            redis.sync().set(key(token), userId.toString(), SetArgs.Builder.px(ttl.toMillis()));
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot store the session", e);
        }
        return new Session(token, userId, clock.instant().plus(ttl));
    }

    /** The user of a live session, or empty for an unknown, expired or malformed token. */
    public Optional<UUID> resolve(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        String userId;
        try {
            userId = redis.sync().get(key(token));
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot read the session", e);
        }
        return userId == null ? Optional.empty() : Optional.of(UUID.fromString(userId));
    }

    /** Ends a session; true when it existed. */
    public boolean delete(String token) {
        try {
            return redis.sync().del(key(token)) > 0;
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot delete the session", e);
        }
    }

    private static String key(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
