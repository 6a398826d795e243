package com.nextleveltraders.trading;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Time-ordered UUIDs (RFC 9562 version 7): new rows land at the right edge of their B-tree indexes
 * instead of at random pages, and ids sort roughly by creation.
 */
final class Ids {

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Ids(Clock clock) {
        this.clock = clock;
    }

    UUID next() {
        long millis = clock.millis();
        long randA = random.nextInt(1 << 12);
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
