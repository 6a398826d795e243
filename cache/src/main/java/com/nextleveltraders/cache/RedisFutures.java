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
     * {@code stage}, its Redis failures turned into {@link CacheUnavailableException}, as the blocking
     * calls' callers catch them; any other failure passes unchanged. A Redis failure is what the
     * blocking call would throw as Lettuce's {@code RedisException}: one already (a timeout, an error
     * reply, a rejected command), or a checked exception it would wrap in one, such as the
     * {@code IOException} that fails the commands in flight when a master's connection is reset.
     */
    static <T> CompletableFuture<T> unavailableOnFailure(CompletionStage<T> stage, String message) {
        return stage.toCompletableFuture().exceptionallyCompose(failure -> {
            Throwable cause = cause(failure);
            return CompletableFuture.failedFuture(isRedisFailure(cause)
                    ? new CacheUnavailableException(message, cause) : cause);
        });
    }

    static boolean isRedisFailure(Throwable cause) {
        return cause instanceof RedisException || !(cause instanceof RuntimeException || cause instanceof Error);
    }
}
