package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.gateway.HealthTracker.State;
import com.nextleveltraders.gateway.HealthTracker.Transition;
import com.nextleveltraders.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SLOW_START = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(T0);
    private final LeastConnections lb = new LeastConnections(clock, SLOW_START);

    private void up(String id) {
        lb.apply(new Transition(id, State.DOWN, State.UP, clock.instant(), "test"));
    }

    private void down(String id) {
        lb.apply(new Transition(id, State.UP, State.DOWN, clock.instant(), "test"));
    }

    /** Registers backends UP and lets their slow start pass. */
    private void warm(String... ids) {
        for (String id : ids) {
            lb.add(id);
            up(id);
        }
        clock.advance(SLOW_START);
    }

    @Test
    void picksTheLeastLoadedBackend() {
        warm("a", "b", "c");
        Backend a = lb.find("a").orElseThrow();
        Backend b = lb.find("b").orElseThrow();
        a.acquire();
        a.acquire();
        b.acquire();
        for (int i = 0; i < 5; i++) {
            assertThat(lb.pick()).get().extracting(Backend::id).isEqualTo("c");
        }
    }

    @Test
    void spreadsEqualLoadRoundRobin() {
        warm("a", "b", "c");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            Backend picked = lb.acquire().orElseThrow();
            counts.merge(picked.id(), 1, Integer::sum);
            lb.release(picked);
        }
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 100, "c", 100));
    }

    @Test
    void neverPicksADownBackendAndIsEmptyWhenNoneIsUp() {
        assertThat(lb.pick()).isEmpty();
        warm("a", "b");
        down("a");
        for (int i = 0; i < 10; i++) {
            assertThat(lb.acquire()).get().extracting(Backend::id).isEqualTo("b");
        }
        lb.add("c");
        assertThat(lb.pick()).get().extracting(Backend::id).as("c was never marked up").isEqualTo("b");
        down("b");
        assertThat(lb.pick()).isEmpty();
        assertThat(lb.acquire()).isEmpty();
    }

    @Test
    void backendInSlowStartIsStillPickedWhenItHasNoUpPeer() {
        lb.add("a");
        up("a");
        assertThat(lb.pick()).get().extracting(Backend::id).isEqualTo("a");
    }

    @Test
    void slowBackendReceivesFewerRequests() {
        warm("fast", "slow");
        // One request every 2 ms for 20 s; "fast" answers in 10 ms, "slow" in 50 ms.
        Map<String, Integer> counts = simulate(Duration.ofMillis(2), Duration.ofSeconds(20),
                b -> b.id().equals("fast") ? 10 : 50);
        assertThat(counts.get("slow")).isLessThan(counts.get("fast") / 3);
        assertThat(counts.get("slow")).isPositive();
    }

    @Test
    void slowStartRampsANewBackendToItsFairShare() {
        warm("a", "b", "c");
        // Steady traffic: a request every 10 ms held 300 ms, about 30 in flight.
        PriorityQueue<long[]> inFlight = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
        List<Backend> byIndex = new ArrayList<>();
        run(Duration.ofMillis(10), Duration.ofSeconds(5), b -> 300, inFlight, byIndex, new HashMap<>());

        lb.add("new");
        up("new");
        Instant joined = clock.instant();
        Map<Long, int[]> perSecond = new HashMap<>(); // second since joining -> {picks of new, all picks}
        Duration step = Duration.ofMillis(10);
        long steps = Duration.ofSeconds(40).dividedBy(step);
        for (long i = 0; i < steps; i++) {
            clock.advance(step);
            releaseFinished(inFlight, byIndex);
            Backend b = lb.acquire().orElseThrow();
            long second = Duration.between(joined, clock.instant()).toSeconds();
            int[] c = perSecond.computeIfAbsent(second, s -> new int[2]);
            c[1]++;
            if (b.id().equals("new")) {
                c[0]++;
            }
            schedule(inFlight, byIndex, b, 300);
        }
        double early = share(perSecond, 0, 3);
        double middle = share(perSecond, 14, 17);
        double late = share(perSecond, 31, 40);
        assertThat(early).as("first 3 s").isLessThan(0.10);
        assertThat(middle).as("halfway").isBetween(early, late);
        assertThat(late).as("after slow start, fair share is 1/4").isBetween(0.20, 0.30);
    }

    @Test
    void acquireAndReleaseCountsStayConsistentUnderConcurrency() throws Exception {
        warm("a", "b", "c", "d");
        int threads = 8;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Backend b = lb.acquire().orElseThrow();
                        assertThat(b.inFlight()).isPositive();
                        lb.release(b);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(lb.backends()).allSatisfy(b -> assertThat(b.inFlight()).isZero());
    }

    @Test
    void releaseWithoutAcquireFails() {
        Backend a = lb.add("a");
        assertThatThrownBy(() -> lb.release(a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("release without acquire on backend a");
        assertThat(a.inFlight()).isZero();
    }

    @Test
    void slowStartExtraFadesLinearly() {
        Instant upAt = T0;
        assertThat(lb.slowStartExtra(upAt, T0, 9)).isEqualTo(10.0);
        assertThat(lb.slowStartExtra(upAt, T0.plusSeconds(15), 9)).isEqualTo(5.0);
        assertThat(lb.slowStartExtra(upAt, T0.plusSeconds(30), 9)).isEqualTo(0.0);
        assertThat(new LeastConnections(clock, Duration.ZERO).slowStartExtra(upAt, T0, 9)).isEqualTo(0.0);
    }

    // --- a discrete-time simulation driven by the test clock ---

    private Map<String, Integer> simulate(Duration step, Duration length, ToLongFunction<Backend> holdMillis) {
        Map<String, Integer> counts = new HashMap<>();
        run(step, length, holdMillis, new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0])),
                new ArrayList<>(), counts);
        return counts;
    }

    /** Each step: finish due requests, then send one new request, held for {@code holdMillis}. */
    private void run(Duration step, Duration length, ToLongFunction<Backend> holdMillis,
            PriorityQueue<long[]> inFlight, List<Backend> byIndex, Map<String, Integer> counts) {
        long steps = length.dividedBy(step);
        for (long i = 0; i < steps; i++) {
            clock.advance(step);
            releaseFinished(inFlight, byIndex);
            Backend b = lb.acquire().orElseThrow();
            counts.merge(b.id(), 1, Integer::sum);
            schedule(inFlight, byIndex, b, holdMillis.applyAsLong(b));
        }
    }

    private void schedule(PriorityQueue<long[]> inFlight, List<Backend> byIndex, Backend b, long holdMillis) {
        byIndex.add(b);
        long endMillis = clock.instant().toEpochMilli() + holdMillis;
        inFlight.add(new long[] {endMillis, byIndex.size() - 1});
    }

    private void releaseFinished(PriorityQueue<long[]> inFlight, List<Backend> byIndex) {
        long now = clock.instant().toEpochMilli();
        while (!inFlight.isEmpty() && inFlight.peek()[0] <= now) {
            lb.release(byIndex.get((int) inFlight.poll()[1]));
        }
    }

    private static double share(Map<Long, int[]> perSecond, long fromSecond, long toSecondExclusive) {
        int mine = 0;
        int all = 0;
        for (long s = fromSecond; s < toSecondExclusive; s++) {
            int[] c = perSecond.get(s);
            if (c != null) {
                mine += c[0];
                all += c[1];
            }
        }
        return (double) mine / all;
    }
}
