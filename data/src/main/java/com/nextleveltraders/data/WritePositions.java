package com.nextleveltraders.data;

import java.util.OptionalLong;
import java.util.UUID;

/**
 * Where each user's last write is in its shard's WAL, kept where every instance sees it, so that a
 * read that may go to a replica goes to the primary instead until the replica has replayed it.
 */
public interface WritePositions {

    /** Remembers that {@code user}'s data changed at WAL position {@code lsn} on their shard. */
    void remember(UUID user, long lsn);

    /** The position of {@code user}'s last write still remembered, or empty. */
    OptionalLong lastWrite(UUID user);

    /** No shared memory of writes: then no read can safely go to a replica, and none does. */
    WritePositions NONE = new WritePositions() {
        @Override
        public void remember(UUID user, long lsn) {
        }

        @Override
        public OptionalLong lastWrite(UUID user) {
            return OptionalLong.empty();
        }
    };
}
