package com.nextleveltraders.data;

/**
 * A write reached a shard that does not own the user's bucket (any more): the router's directory
 * is stale. The router refreshes and tries again; the write did nothing.
 */
public final class StaleDirectoryException extends RuntimeException {

    StaleDirectoryException(int bucket, int shard) {
        super("shard " + shard + " does not own bucket " + bucket);
    }
}
