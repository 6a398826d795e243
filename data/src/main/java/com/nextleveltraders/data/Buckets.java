package com.nextleveltraders.data;

import java.util.UUID;

/** The fixed hash from a user id to its bucket. Changing it would move every user: never do. */
public final class Buckets {

    private Buckets() {
    }

    /** The bucket of {@code userId} among {@code buckets} buckets. */
    public static int bucketOf(UUID userId, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be positive: " + buckets);
        }
        // SplitMix64's finaliser spreads ids that differ in few bits (e.g. time-ordered ids) evenly.
        long z = userId.getMostSignificantBits() ^ Long.rotateLeft(userId.getLeastSignificantBits(), 32);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return (int) Math.floorMod(z, (long) buckets);
    }
}
