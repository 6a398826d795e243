package com.nextleveltraders.cache;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Lua script from the classpath, run with EVALSHA (one round trip) and loaded again when Redis
 * has lost it (a restart, a failover to a server without the script cache).
 */
final class RedisScript {

    private final RedisConnections redis;
    private final String text;
    private volatile String sha;

    RedisScript(RedisConnections redis, String resource) {
        this.redis = redis;
        this.text = read(resource);
    }

    String text() {
        return text;
    }

    <T> T run(ScriptOutputType type, String[] keys, String... args) {
        String loaded = sha;
        if (loaded == null) {
            loaded = load();
        }
        try {
            return redis.sync().evalsha(loaded, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.sync().evalsha(load(), type, keys, args);
        }
    }

    private String load() {
        String loaded = redis.sync().scriptLoad(text);
        sha = loaded;
        return loaded;
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
