package com.nextleveltraders.cache;

import java.util.Optional;

/**
 * Where a write is: the shard whose primary took it and the position in that primary's WAL. A
 * position only means something against the same shard's replica: after a bucket moves, a
 * position from the old shard says nothing about the new one's replica.
 */
public record WritePosition(int shard, long lsn) {

    /** A position that could not be read: no replica is safe for it. */
    public static final WritePosition UNKNOWN = new WritePosition(-1, Long.MAX_VALUE);

    /** {@code shard:lsn}, as stored. */
    public String text() {
        return shard + ":" + lsn;
    }

    /** The position stored as {@code text}; {@link #UNKNOWN} for anything unreadable, empty for none. */
    public static Optional<WritePosition> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        try {
            return Optional.of(new WritePosition(Integer.parseInt(text.substring(0, Math.max(colon, 0))),
                    Long.parseLong(text.substring(colon + 1))));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return Optional.of(UNKNOWN);
        }
    }
}
