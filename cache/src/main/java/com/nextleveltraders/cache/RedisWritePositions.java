package com.nextleveltraders.cache;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Each user's last write position in Redis, where every instance sees it. Kept a little longer
 * than a replica may lag before it is skipped anyway; written durably (WAIT), since a position a
 * failover lost would let a read find a replica that has not replayed the write.
 */
public final class RedisWritePositions implements WritePositions {

    private static final String PREFIX = "wpos:";

    private final RedisConnections redis;
    private final long ttlMillis;
    private final RedisScript script;

    /** {@code maxLag}: how far behind a replica may be and still serve reads. */
    public RedisWritePositions(RedisConnections redis, Duration maxLag) {
        this.redis = redis;
        this.script = new RedisScript(redis, "/redis/position.lua");
        // Past maxLag a lagging replica is skipped anyway; twice that and more covers a slow poll.
        this.ttlMillis = Math.max(maxLag.toMillis() * 4, 1_000);
    }

    @Override
    public void remember(UUID user, WritePosition position) {
        String key = key(user);
        try {
            redis.durably(key, commands -> script.run(commands, ScriptOutputType.INTEGER, new String[] {key},
                    Integer.toString(position.shard()), Long.toString(position.lsn()), Long.toString(ttlMillis)));
        } catch (NotReplicatedException e) {
            // On the master: good unless it fails over right now.
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot share a write position", e);
        }
    }

    @Override
    public Optional<WritePosition> lastWrite(UUID user) {
        try {
            return WritePosition.parse(redis.sync().get(key(user)));
        } catch (RedisException e) {
            throw new CacheUnavailableException("cannot read a write position", e);
        }
    }

    /** The user's hash tag: the same slot as the user's session and cache generation. */
    static String key(UUID user) {
        return PREFIX + "{" + user + "}";
    }
}
