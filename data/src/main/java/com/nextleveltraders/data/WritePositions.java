package com.nextleveltraders.data;

import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Where each user's last write is in its shard's WAL, kept where every instance sees it, so that a
 * read that may go to a replica goes to the primary instead until the replica has replayed it.
 */
public interface WritePositions {

    /** Remembers that {@code user}'s data changed at WAL position {@code lsn} on their shard. */
    void remember(UUID user, long lsn);

    /** The position of {@code user}'s last write still remembered, or empty. */
    OptionalLong lastWrite(UUID user);

    /** A user's last write position already read for this request (with its session), and when none. */
    record Known(UUID user, OptionalLong position) {
    }

    /** Bound while {@link #withKnown} runs. */
    ScopedValue<Known> KNOWN = ScopedValue.newInstance();

    /**
     * Runs {@code work} knowing {@code user}'s last write position, read with the request's session
     * lookup: the reads in it need not ask again. Read at the start of the request, it covers every
     * write the user saw acknowledged before sending it, which is what read-your-writes promises.
     */
    static <T> T withKnown(UUID user, OptionalLong position, Supplier<T> work) {
        return ScopedValue.where(KNOWN, new Known(user, position)).call(work::get);
    }

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
