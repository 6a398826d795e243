package com.nextleveltraders.cache;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Sessions in Redis with the strategy's session TTL. Only a SHA-256 of each token is stored, so a
 * copy of Redis's data does not hand out logins.
 *
 * <p>A token is {@code <user id, 32 hex digits>.<32 random bytes, base64url>}. The user id part
 * names the Redis Cluster slot ({@code session:{user id}:...}) that also holds the generation of the
 * user's cached data, so one MGET both checks the session and reads that generation: an
 * authenticated read from the cache then costs no round trip beyond the session check every
 * request makes anyway. The user id part proves nothing by itself: the stored session must exist
 * under the token's hash and name the same user.
 */
public final class SessionStore {

    private static final int SECRET_BYTES = 32;
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}\\.[A-Za-z0-9_-]{43}");
    private static final String PREFIX = "session:";
    private static final String CANNOT_READ = "cannot read the session";

    /**
     * A live session's user and, when asked for, the generation of the user's cached data and the
     * position of the user's last write (empty: none recent).
     */
    public record Lookup(UUID userId, OptionalLong generation, Optional<WritePosition> writePosition) {
    }

    private final RedisConnections redis;
    private final Duration ttl;
    private final Clock clock;
    private final TieredCache<?> userCache; // null: lookups read no generation
    private final boolean writePositions; // lookups also read the user's write position
    private final SecureRandom random = new SecureRandom();

    public SessionStore(RedisConnections redis, Duration ttl, Clock clock) {
        this(redis, ttl, clock, null, false);
    }

    /**
     * Lookups also read the generation {@code userCache} keeps for the user (keyed by user id) and,
     * with {@code writePositions}, the user's last write position ({@link RedisWritePositions}).
     */
    public SessionStore(RedisConnections redis, Duration ttl, Clock clock, TieredCache<?> userCache,
            boolean writePositions) {
        this.writePositions = writePositions;
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
        this.userCache = userCache;
    }

    public Session create(UUID userId) {
        byte[] raw = new byte[SECRET_BYTES];
        random.nextBytes(raw);
        String token = hex(userId) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String key = key(userId, token);
        try {
            // Durable: a session handed out must still work after the master fails over.
            redis.durably(key, commands -> commands.set(key, userId.toString(), SetArgs.Builder.px(ttl.toMillis())));
        } catch (NotReplicatedException e) {
            // Stored on the master: the login works now; only a failover in the next moments loses it
            // (the user logs in again). Refusing the login would be worse.
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot store the session", e);
        }
        return new Session(token, userId, clock.instant().plus(ttl));
    }

    /** The user of a live session, or empty for an unknown, expired or malformed token. */
    public Optional<UUID> resolve(String token) {
        return lookup(token).map(Lookup::userId);
    }

    /** As {@link #resolve}, with the generation of the user's cached data read in the same round trip. */
    public Optional<Lookup> lookup(String token) {
        Optional<UUID> claimed = claimedUser(token);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        UUID userId = claimed.get();
        String sessionKey = key(userId, token);
        try {
            if (userCache == null) {
                String stored = redis.sync().get(sessionKey);
                return userId.toString().equals(stored)
                        ? Optional.of(new Lookup(userId, OptionalLong.empty(), Optional.empty())) : Optional.empty();
            }
            // One MGET: both keys carry the user's hash tag, so they share a slot (and a node).
            String generationKey = userCache.generationKey(userId.toString());
            List<KeyValue<String, String>> values = writePositions
                    ? redis.sync().mget(sessionKey, generationKey, RedisWritePositions.key(userId))
                    : redis.sync().mget(sessionKey, generationKey);
            if (!isSessionOf(userId, values)) {
                return Optional.empty();
            }
            // A generation not there yet (or lost) is started by the cache's own script.
            long generation = parseNumber(values.get(1))
                    .orElseGet(() -> userCache.currentGeneration(userId.toString()));
            return Optional.of(new Lookup(userId, OptionalLong.of(generation), writePosition(values)));
        } catch (RedisException e) {
            throw new CacheUnavailableException(CANNOT_READ, e);
        }
    }

    /**
     * As {@link #lookup} without blocking, for a caller on an event loop: the same commands (GET, or
     * the one MGET, and the cache's script when the generation is missing) with Lettuce's futures.
     * Fails with {@link CacheUnavailableException} where lookup throws it. Continuations run on
     * Lettuce's I/O thread; they only parse answers or queue the next command.
     */
    public CompletionStage<Optional<Lookup>> lookupAsync(String token) {
        Optional<UUID> claimed = claimedUser(token);
        if (claimed.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        UUID userId = claimed.get();
        String sessionKey = key(userId, token);
        RedisClusterAsyncCommands<String, String> commands = redis.async();
        CompletableFuture<Optional<Lookup>> found;
        if (userCache == null) {
            found = RedisFutures.send(() -> commands.get(sessionKey)).thenApply(stored -> userId.toString().equals(stored)
                    ? Optional.of(new Lookup(userId, OptionalLong.empty(), Optional.empty())) : Optional.empty());
        } else {
            String generationKey = userCache.generationKey(userId.toString());
            found = RedisFutures.send(() -> writePositions
                    ? commands.mget(sessionKey, generationKey, RedisWritePositions.key(userId))
                    : commands.mget(sessionKey, generationKey)).thenCompose(values -> {
                        if (!isSessionOf(userId, values)) {
                            return CompletableFuture.completedFuture(Optional.empty());
                        }
                        OptionalLong known = parseNumber(values.get(1));
                        CompletableFuture<Long> generation = known.isPresent()
                                ? CompletableFuture.completedFuture(known.getAsLong())
                                : userCache.currentGenerationAsync(userId.toString());
                        Optional<WritePosition> position = writePosition(values);
                        return generation.thenApply(current ->
                                Optional.of(new Lookup(userId, OptionalLong.of(current), position)));
                    });
        }
        return RedisFutures.unavailableOnFailure(found, CANNOT_READ);
    }

    /** The MGET's first value names the token's user: the session is live and the token's claim true. */
    private static boolean isSessionOf(UUID userId, List<KeyValue<String, String>> values) {
        return values.get(0).hasValue() && userId.toString().equals(values.get(0).getValue());
    }

    private Optional<WritePosition> writePosition(List<KeyValue<String, String>> values) {
        return writePositions ? WritePosition.parse(values.get(2).getValueOrElse(null)) : Optional.empty();
    }

    /** Ends a session; true when it existed. */
    public boolean delete(String token) {
        Optional<UUID> claimed = claimedUser(token);
        if (claimed.isEmpty()) {
            return false;
        }
        String key = key(claimed.get(), token);
        try {
            // Durable: a failover must not bring a logged-out session back.
            return redis.durably(key, commands -> commands.del(key)) > 0;
        } catch (NotReplicatedException e) {
            return true; // deleted on the master; a failover right now could bring it back, rarely
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot delete the session", e);
        }
    }

    /** A number as stored; anything else (missing, or not a number) counts as missing. */
    private static OptionalLong parseNumber(KeyValue<String, String> value) {
        if (!value.hasValue()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.getValue()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The user id a well-formed token names (not yet checked against Redis). */
    private static Optional<UUID> claimedUser(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        long high = Long.parseUnsignedLong(token.substring(0, 16), 16);
        long low = Long.parseUnsignedLong(token.substring(16, 32), 16);
        return Optional.of(new UUID(high, low));
    }

    private static String hex(UUID id) {
        return HexFormat.of().toHexDigits(id.getMostSignificantBits())
                + HexFormat.of().toHexDigits(id.getLeastSignificantBits());
    }

    /** The hash tag keeps a user's sessions in the slot of the user's cache generations. */
    private static String key(UUID userId, String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return PREFIX + "{" + userId + "}:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
