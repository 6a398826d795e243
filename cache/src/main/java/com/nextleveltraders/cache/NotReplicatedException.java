package com.nextleveltraders.cache;

/**
 * A durable write reached its master but fewer replicas than required acknowledged it in time: it
 * stands on the master, but a failover now could lose it.
 */
public final class NotReplicatedException extends RedisTierException {

    NotReplicatedException(String message) {
        super(message, null);
    }
}
