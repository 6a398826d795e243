package com.nextleveltraders.cache;

/** A Redis operation of the platform did not (fully) succeed: worth a retry later. */
public sealed class RedisTierException extends RuntimeException permits CacheUnavailableException,
        NotReplicatedException {

    RedisTierException(String message, Throwable cause) {
        super(message, cause);
    }
}
