package com.nextleveltraders.cli.local;

/** The configuration asks for a local shard under an id the catalog gives another server. */
public final class ShardIdTakenException extends RuntimeException {

    ShardIdTakenException(String message) {
        super(message);
    }
}
