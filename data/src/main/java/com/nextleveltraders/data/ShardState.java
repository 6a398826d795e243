package com.nextleveltraders.data;

/** A shard's place in the registry. */
public enum ShardState {
    /** Owns buckets and takes new ones. */
    ACTIVE,
    /** Being emptied: owns buckets until they have moved, takes no new ones. */
    DRAINING,
    /** Owns nothing and is no longer used. */
    RETIRED
}
