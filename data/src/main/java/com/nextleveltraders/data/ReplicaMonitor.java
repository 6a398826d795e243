package com.nextleveltraders.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one shard's replica: every poll it reads the primary's WAL position and the replica's
 * replayed position. The replica is usable while it answers and has replayed everything the
 * primary had written {@code maxLag} ago.
 */
final class ReplicaMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaMonitor.class);

    /** The primary's position at a moment. */
    private record Sample(long atMillis, long primaryLsn) {
    }

    private final int shard;
    private final DataSource primary;
    private final DataSource replica;
    private final Duration maxLag;
    private final Duration poll;
    private final Clock clock;
    private final Deque<Sample> samples = new ArrayDeque<>(); // guarded by this
    private final Thread poller;
    private volatile long replayed = -1; // -1: unknown or not answering
    private volatile double lagSeconds = Double.NaN;
    private volatile AutoCloseable lagShown = () -> {
    };
    private volatile boolean usable;
    private volatile boolean closed;

    ReplicaMonitor(int shard, DataSource primary, DataSource replica, Duration maxLag, Duration poll, Clock clock) {
        this.shard = shard;
        this.primary = primary;
        this.replica = replica;
        this.maxLag = maxLag;
        this.poll = poll;
        this.clock = clock;
        this.poller = Thread.ofVirtual().name("replica-monitor-" + shard).unstarted(this::run);
    }

    ReplicaMonitor start() {
        poller.start();
        return this;
    }

    /** True when reads may go to the replica at all. */
    boolean usable() {
        return usable;
    }

    /** The last WAL position the replica was seen to have replayed, or -1. */
    long replayed() {
        return replayed;
    }

    /**
     * How far behind its primary the replica was at the last poll, in seconds, or {@code NaN} when
     * unknown (either server not answering): the age of the oldest primary position polled that the
     * replica had not replayed, 0 when it had them all but the newest. Its resolution is therefore one
     * poll interval, and a lag beyond the oldest position kept (a little over {@code maxLag}) reads
     * as that age.
     */
    double lagSeconds() {
        return lagSeconds;
    }

    /** What shows {@link #lagSeconds} in the metrics: closed with this. */
    void showLag(AutoCloseable shown) {
        this.lagShown = shown;
    }

    /** Polls once now: for tests and for the first read after a start. */
    void pollNow() {
        long now = clock.millis();
        long primaryLsn;
        try {
            primaryLsn = Lsn.current(primary);
        } catch (SQLException | RuntimeException e) {
            // The primary's own outage is seen by every write; replica routing just stops here.
            usable = false;
            lagSeconds = Double.NaN;
            return;
        }
        long replay;
        try (Connection connection = replica.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT pg_last_wal_replay_lsn()::text");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            replay = Lsn.parse(rs.getString(1));
        } catch (SQLException | RuntimeException e) {
            if (usable) {
                LOG.warn("replica of shard {} does not answer; reading from its primary: {}", shard, e.toString());
            }
            replayed = -1;
            usable = false;
            lagSeconds = Double.NaN;
            return;
        }
        replayed = replay;
        boolean behind;
        synchronized (this) {
            samples.addLast(new Sample(now, primaryLsn));
            // Keep the newest sample at least maxLag old, and nothing older.
            while (samples.size() > 1) {
                var oldest = samples.iterator();
                oldest.next();
                if (now - oldest.next().atMillis() < maxLag.toMillis()) {
                    break;
                }
                samples.removeFirst();
            }
            Sample reference = samples.peekFirst();
            // Until a sample maxLag old exists, how far behind the replica is cannot be told: a
            // replica just watched is not used yet (it may be minutes behind).
            behind = now - reference.atMillis() < maxLag.toMillis() || replay < reference.primaryLsn();
            lagSeconds = lagMillis(now, replay) / 1000.0;
        }
        if (behind && usable) {
            LOG.warn("replica of shard {} is more than {} behind its primary; reading from the primary", shard,
                    maxLag);
        }
        usable = !behind;
    }

    /** The age of the oldest sample the replica had not replayed, skipping the newest; guarded by this. */
    private long lagMillis(long now, long replay) {
        long lag = 0;
        boolean newest = true;
        for (var samples = this.samples.descendingIterator(); samples.hasNext(); newest = false) {
            Sample sample = samples.next();
            if (replay >= sample.primaryLsn()) {
                break;
            }
            if (!newest) {
                lag = now - sample.atMillis();
            }
        }
        return lag;
    }

    private void run() {
        while (!closed) {
            pollNow();
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        try {
            lagShown.close();
        } catch (Exception e) {
            LOG.debug("lag of shard {} still shown: {}", shard, e.toString());
        }
    }
}
