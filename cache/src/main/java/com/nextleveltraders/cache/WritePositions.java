package com.nextleveltraders.cache;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Where each user's last write is in its shard's WAL, kept where every instance sees it, so that a
 * read that may go to a replica goes to the primary instead until the replica has replayed it.
 */
public interface WritePositions {

    /** Remembers that {@code user}'s data changed at {@code position}. */
    void remember(UUID user, WritePosition position);

    /** The position of {@code user}'s last write still remembered, or empty. */
    Optional<WritePosition> lastWrite(UUID user);

    /** A user's last write position already read for this request (with its session), and when none. */
    record Known(UUID user, Optional<WritePosition> position) {
    }

    /** Bound while {@link #withKnown} runs. */
    ScopedValue<Known> KNOWN = ScopedValue.newInstance();

    /**
     * Runs {@code work} knowing {@code user}'s last write position, read with the request's session
     * lookup: the reads in it need not ask again. Read at the start of the request, it covers every
     * write the user saw acknowledged before sending it, which is what read-your-writes promises.
     */
    static <T> T withKnown(UUID user, Optional<WritePosition> position, Supplier<T> work) {
        return ScopedValue.where(KNOWN, new Known(user, position)).call(work::get);
    }

    /** No shared memory of writes: then no read can safely go to a replica, and none does. */
    WritePositions NONE = new WritePositions() {
        @Override
        public void remember(UUID user, WritePosition position) {
        }

        @Override
        public Optional<WritePosition> lastWrite(UUID user) {
            return Optional.empty();
        }
    };
}
