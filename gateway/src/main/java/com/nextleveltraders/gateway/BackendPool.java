package com.nextleveltraders.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.SessionProtocol;
import com.nextleveltraders.config.HealthCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances behind the gateway: for each, its balancer entry, its health tracker, its HTTP client
 * and its active health checks. Members are added and removed at run time (the launcher scales).
 */
final class BackendPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);
    // How often a drain looks whether the last in-flight request has finished.
    private static final Duration DRAIN_POLL = Duration.ofMillis(20);

    /** One instance behind the gateway. */
    record Member(Backend backend, HealthTracker tracker, String host, int port, String region, WebClient client,
            AtomicLong requests) {

        String id() {
            return backend.id();
        }
    }

    private final LeastConnections balancer;
    private final HealthCheck check;
    private final Duration fastInterval;
    private final Duration responseTimeout;
    private final Clock clock;
    private final RandomGenerator random;
    private final ClientFactory clients;
    private final ScheduledExecutorService scheduler;
    private final Consumer<HealthTracker.Transition> onTransition;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> checks = new ConcurrentHashMap<>();

    BackendPool(LeastConnections balancer, HealthCheck check, Duration fastInterval, Duration responseTimeout,
            Clock clock, RandomGenerator random, ClientFactory clients, ScheduledExecutorService scheduler,
            Consumer<HealthTracker.Transition> onTransition) {
        this.balancer = balancer;
        this.check = check;
        this.fastInterval = fastInterval;
        this.responseTimeout = responseTimeout;
        this.clock = clock;
        this.random = random;
        this.clients = clients;
        this.scheduler = scheduler;
        this.onTransition = onTransition;
    }

    /**
     * Adds an instance, DOWN until {@code healthyThreshold} checks succeed; the first check starts at
     * once. Adding the same id with the same address again changes nothing.
     *
     * @return false if the id is taken by another address
     */
    synchronized boolean add(String id, String host, int port, String region) {
        Member existing = members.get(id);
        if (existing != null) {
            return existing.host().equals(host) && existing.port() == port && !existing.backend().isDraining();
        }
        // HTTP/2 without TLS (prior knowledge) to the instances: one connection carries every
        // concurrent request, so no pool of connections to warm up or to exhaust.
        WebClient client = WebClient.builder(SessionProtocol.H2C, Endpoint.of(host, port))
                .factory(clients)
                .responseTimeout(responseTimeout)
                .maxResponseLength(0)
                .build();
        Member member = new Member(balancer.add(id), new HealthTracker(id, check, clock, random), host, port, region,
                client, new AtomicLong());
        members.put(id, member);
        schedule(member, Duration.ZERO);
        LOG.info("backend {} added at {}:{} ({}); DOWN until {} checks pass", id, host, port, region,
                check.healthyThreshold());
        return true;
    }

    /**
     * Takes an instance out of rotation at once, then completes when its in-flight requests have
     * finished (true) or {@code timeout} has passed (false); either way it is removed.
     */
    CompletableFuture<Boolean> drain(String id, Duration timeout) {
        Member member = members.get(id);
        if (member == null) {
            return CompletableFuture.completedFuture(true);
        }
        member.backend().drain();
        LOG.info("backend {} draining: {} requests in flight", id, member.backend().inFlight());
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Instant deadline = clock.instant().plus(timeout);
        Runnable poll = new Runnable() {
            @Override
            public void run() {
                boolean idle = member.backend().inFlight() == 0;
                if (idle || !clock.instant().isBefore(deadline)) {
                    remove(member);
                    LOG.info("backend {} removed ({})", id, idle ? "drained" : "drain timed out with "
                            + member.backend().inFlight() + " in flight");
                    done.complete(idle);
                } else {
                    scheduler.schedule(this, DRAIN_POLL.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        };
        scheduler.execute(poll);
        return done;
    }

    private synchronized void remove(Member member) {
        if (members.remove(member.id(), member)) {
            balancer.remove(member.id());
            ScheduledFuture<?> pending = checks.remove(member.id());
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    /** The least loaded UP, non-draining member {@code eligible} accepts, counted as in flight. */
    Optional<Member> acquire(Predicate<Backend> eligible) {
        return balancer.acquire(eligible).map(backend -> {
            Member member = members.get(backend.id());
            if (member == null) {
                // Removed between the pick and now: hand the count back and let the caller pick again.
                balancer.release(backend);
                return null;
            }
            member.requests().incrementAndGet();
            return member;
        });
    }

    void release(Member member) {
        balancer.release(member.backend());
    }

    /** Live traffic could not reach the member: eject it now (HAProxy's observe layer4). */
    void connectionFailed(Member member) {
        member.tracker().connectionFailed().ifPresent(this::apply);
    }

    Collection<Member> members() {
        return List.copyOf(members.values());
    }

    Optional<Member> member(String id) {
        return Optional.ofNullable(members.get(id));
    }

    private void apply(HealthTracker.Transition transition) {
        balancer.apply(transition);
        LOG.info("backend {} {} -> {}: {}", transition.backend(), transition.from(), transition.to(),
                transition.reason());
        onTransition.accept(transition);
    }

    private void schedule(Member member, Duration delay) {
        if (scheduler.isShutdown()) {
            return;
        }
        checks.put(member.id(), scheduler.schedule(() -> runCheck(member), Math.max(0, delay.toNanos()),
                TimeUnit.NANOSECONDS));
    }

    private void runCheck(Member member) {
        if (members.get(member.id()) != member) {
            return;
        }
        Instant started = clock.instant();
        member.client().prepare().get(check.path()).responseTimeout(check.timeout()).execute().aggregate()
                .handle((response, failure) -> {
                    boolean healthy = failure == null && response.status().equals(HttpStatus.OK);
                    Optional<HealthTracker.Transition> change = healthy ? member.tracker().checkSucceeded()
                            : member.tracker().checkFailed();
                    change.ifPresent(this::apply);
                    if (members.get(member.id()) == member) {
                        Instant next = member.tracker().nextCheckAt(started, fastInterval);
                        schedule(member, Duration.between(clock.instant(), next));
                    }
                    return null;
                });
    }

    @Override
    public void close() {
        checks.values().forEach(pending -> pending.cancel(false));
        checks.clear();
    }
}
