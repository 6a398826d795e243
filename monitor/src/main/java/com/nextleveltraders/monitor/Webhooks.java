package com.nextleveltraders.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to webhook receivers as Alertmanager does: a POST of the JSON payload, retried with a
 * doubling backoff while the receiver fails or does not answer in time. Each receiver has its own bounded queue
 * and its own thread, so a receiver that is down or slow delays nothing but its own deliveries, and never the
 * evaluation that hands them over: when its queue is full, the notification is dropped for it, counted and logged.
 */
public final class Webhooks implements Consumer<Notification>, AutoCloseable {

    /**
     * How deliveries are retried: after {@code firstBackoff}, doubling up to {@code maxBackoff}, for at most
     * {@code attempts} attempts in all; each attempt may take {@code timeout}.
     */
    public record Policy(Duration timeout, Duration firstBackoff, Duration maxBackoff, int attempts, int queue) {

        /** Alertmanager-like defaults: ten attempts over about a minute. */
        public static final Policy DEFAULT = new Policy(Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(16), 10, 256);

        public Policy {
            if (!timeout.isPositive() || !firstBackoff.isPositive() || maxBackoff.compareTo(firstBackoff) < 0
                    || attempts < 1 || queue < 1) {
                throw new IllegalArgumentException("invalid delivery policy: " + timeout + ", " + firstBackoff
                        + ", " + maxBackoff + ", " + attempts + ", " + queue);
            }
        }
    }

    /**
     * The state of one notification at one receiver.
     *
     * @param result {@code queued}, {@code retrying}, {@code delivered}, {@code failed} (attempts exhausted) or
     *               {@code dropped} (the receiver's queue was full)
     */
    public record Delivery(long notification, String url, String result, int attempts, Instant at, String error) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT = 200;
    private static final int OK_FROM = 200;
    private static final int OK_TO = 299;

    private final HttpClient client;
    private final Clock clock;
    private final Policy policy;
    private final List<Receiver> receivers = new ArrayList<>();
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public Webhooks(List<String> urls, Clock clock, Policy policy) {
        this.clock = clock;
        this.policy = policy;
        this.client = HttpClient.newBuilder().connectTimeout(policy.timeout()).build();
        for (String url : urls) {
            Receiver receiver = new Receiver(URI.create(url));
            receivers.add(receiver);
            receiver.thread.start();
        }
    }

    /** Queues {@code n} for every receiver; never blocks. */
    @Override
    public void accept(Notification n) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(n.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a payload of plain maps and strings could not be written", e);
        }
        for (Receiver r : receivers) {
            Job job = new Job(n.id(), body);
            // Recorded before it is offered: once queued, the receiver's thread may deliver it and record that
            // before this thread gets to run again, and "queued" must not overwrite "delivered".
            record(job, r, "queued", 0, null);
            if (!r.queue.offer(job)) {
                dropped.incrementAndGet();
                record(job, r, "dropped", 0, "the receiver's queue of " + policy.queue() + " is full");
                LOG.warn("notification {} not sent to {}: its queue is full", n.id(), r.url);
            }
        }
    }

    /** The latest state of the recent deliveries, oldest first. */
    public List<Delivery> recent() {
        synchronized (deliveries) {
            return List.copyOf(deliveries.values());
        }
    }

    public long delivered() {
        return delivered.get();
    }

    /** Deliveries given up after their last attempt. */
    public long failed() {
        return failed.get();
    }

    /** Deliveries never tried: the receiver's queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void record(Job job, Receiver r, String result, int attempts, String error) {
        synchronized (deliveries) {
            String key = job.notification + " " + r.url;
            deliveries.remove(key);
            deliveries.put(key, new Delivery(job.notification, r.url.toString(), result, attempts, clock.instant(),
                    error));
            while (deliveries.size() > KEPT) {
                deliveries.remove(deliveries.keySet().iterator().next());
            }
        }
    }

    private record Job(long notification, byte[] body) {
    }

    private final class Receiver {
        final URI url;
        final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(policy.queue());
        final Thread thread;

        Receiver(URI url) {
            this.url = url;
            this.thread = Thread.ofVirtual().name("webhook " + url.getHost()).unstarted(this::run);
        }

        private void run() {
            try {
                while (true) {
                    deliver(queue.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void deliver(Job job) throws InterruptedException {
            Duration backoff = policy.firstBackoff();
            String error = null;
            for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
                error = post(job.body);
                if (error == null) {
                    delivered.incrementAndGet();
                    record(job, this, "delivered", attempt, null);
                    return;
                }
                if (attempt < policy.attempts()) {
                    record(job, this, "retrying", attempt, error);
                    Thread.sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff()
                            : backoff.multipliedBy(2);
                }
            }
            failed.incrementAndGet();
            record(job, this, "failed", policy.attempts(), error);
            LOG.warn("notification {} not delivered to {} after {} attempts: {}", job.notification, url,
                    policy.attempts(), error);
        }

        /** {@code null} when the receiver took it, else why not. */
        private String post(byte[] body) throws InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(policy.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "nlt-monitor")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                return status >= OK_FROM && status <= OK_TO ? null : "answered " + status;
            } catch (IOException e) {
                return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
    }

    /** Stops the receivers' threads; what is still queued is not sent. */
    @Override
    public void close() {
        receivers.forEach(r -> r.thread.interrupt());
        client.close();
    }
}
