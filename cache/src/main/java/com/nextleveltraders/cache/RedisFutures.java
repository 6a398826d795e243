package com.nextleveltraders.cache;

import io.lettuce.core.RedisException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Helpers for Lettuce's asynchronous commands, so that their failures reach callers as the blocking ones do. */
final class RedisFutures {

    private RedisFutures() {
    }

    /**
     * Sends a command. Lettuce may throw at once instead of failing the future (no master known for
     * a slot, say): either way the caller gets a future, which then fails.
     */
    static <T> CompletableFuture<T> send(Supplier<? extends CompletionStage<T>> command) {
        try {
            return command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The failure itself, without the wrappers a chain of stages adds around it. */
    static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * {@code stage}, its Redis failures (timeouts included) turned into {@link CacheUnavailableException},
     * as the blocking calls' callers catch them; any other failure passes unchanged.
     */
    static <T> CompletableFuture<T> unavailableOnFailure(CompletionStage<T> stage, String message) {
        return stage.toCompletableFuture().exceptionallyCompose(failure -> {
            Throwable cause = cause(failure);
            return CompletableFuture.failedFuture(cause instanceof RedisException redis
                    ? new CacheUnavailableException(message, redis) : cause);
        });
    }
}
