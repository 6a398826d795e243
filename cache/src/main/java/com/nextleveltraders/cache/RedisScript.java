package com.nextleveltraders.cache;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script from the classpath, run with EVALSHA (one round trip), and with EVAL where Redis
 * does not have it cached (a restart, a failover to a server without the script cache).
 */
final class RedisScript {

    private final RedisConnections redis;
    private final String text;
    private final String sha;

    RedisScript(RedisConnections redis, String resource) {
        this.redis = redis;
        this.text = read(resource);
        this.sha = sha1(this.text);
    }

    String text() {
        return text;
    }

    <T> T run(ScriptOutputType type, String[] keys, String... args) {
        return run(redis.sync(), type, keys, args);
    }

    /**
     * Runs on {@code commands} (the routed connection, or one node's). A node that lacks the script
     * (restarted, promoted, flushed) answers NOSCRIPT; EVAL then runs it and caches it on that node.
     * No SCRIPT LOAD: in a cluster that goes to every node and fails while any one of them is down.
     */
    <T> T run(RedisClusterCommands<String, String> commands, ScriptOutputType type, String[] keys, String... args) {
        try {
            return commands.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return commands.eval(text, type, keys, args);
        }
    }

    /**
     * As {@link #run(ScriptOutputType, String[], String...)} without blocking: EVALSHA, and EVAL on
     * the same connection when the answer is NOSCRIPT. The future fails with Lettuce's exception
     * where the blocking call would throw it. The EVAL is sent from the thread that completed the
     * EVALSHA (Lettuce's I/O thread), which only queues it.
     */
    <T> CompletableFuture<T> runAsync(ScriptOutputType type, String[] keys, String... args) {
        RedisClusterAsyncCommands<String, String> commands = redis.async();
        return RedisFutures.<T>send(() -> commands.evalsha(sha, type, keys, args))
                .exceptionallyCompose(failure -> RedisFutures.cause(failure) instanceof RedisNoScriptException
                        ? RedisFutures.<T>send(() -> commands.eval(text, type, keys, args))
                        : CompletableFuture.failedFuture(RedisFutures.cause(failure)));
    }

    /** What Redis names a script by: the hex SHA-1 of its text. */
    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    static String read(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
