package com.nextleveltraders.data.rebalance;

/**
 * Where a test breaks a move on purpose: the mover calls {@link #at} at each {@link Point} it
 * passes, and a fault thrown there stops the move as a real failure at that point would. An
 * exception the mover lives through (a lost connection, say a {@code DatabaseUnavailableException})
 * is handled as in production; a {@link SimulatedCrash} stands for the mover's process dying. In
 * production the mover runs with {@link #NONE}.
 */
@FunctionalInterface
interface MoveFaults {

    /** No faults: every point passes. */
    MoveFaults NONE = point -> { };

    /**
     * The points of a move, in order. Each of the journal's steps up to the freeze is passed once
     * the journal records it; FLIP and RELEASED are inside the freeze, where the journal writes
     * nothing: before and after the old shard commits letting go of the bucket.
     */
    enum Point {
        /** The journal has the move; the old shard does not log the bucket's changes yet. */
        START,
        /** The old shard logs the bucket's changes; nothing is copied yet. */
        COPY,
        /** The rows are copied; the changes made since are not. */
        CATCHUP,
        /** Caught up; the bucket is not frozen yet. */
        FREEZE,
        /** Frozen and verified; nothing committed, the old shard still owns the bucket. */
        FLIP,
        /** The old shard let go of the bucket (committed); the new one has not taken it. */
        RELEASED,
        /** The new shard owns the bucket; the old one still holds its rows. */
        CLEANUP
    }

    /** Called as the move passes {@code point}; throws to break the move there. */
    void at(Point point);

    /** The in-process stand-in for a crash of the mover: the mover does nothing more, as if its process had died. */
    final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(Point point) {
            super("simulated crash at " + point);
        }
    }
}
