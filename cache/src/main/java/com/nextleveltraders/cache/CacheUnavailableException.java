package com.nextleveltraders.cache;

/** Redis could not be reached or did not answer in time: worth a retry later. */
public final class CacheUnavailableException extends RedisTierException {
    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
