package com.nextleveltraders.api;

import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients reading their portfolio in a loop (and placing a small order now and then) while a test
 * breaks something, recording when each answer came and what it was. Each order is a BUY LIMIT
 * of 1 KO at 1.00, far below the market, so it stays open and holds back exactly 1.00 of cash:
 * a trader's reserved cash tells how many orders the platform has acknowledged.
 */
final class SteadyLoad implements AutoCloseable {

    /** One answer: when it arrived (System.nanoTime), for whom, its status and the problem type if any. */
    record Outcome(long at, UUID trader, int status, String body) {
    }

    // A safety net only: clients run until close(), which every test reaches within its bounds.
    private static final int MAX_REQUESTS = 1_000_000;

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<UUID, Integer> orders = new ConcurrentHashMap<>();

    SteadyLoad(ApiClient client, List<Trader> traders, int threadsPerTrader) {
        for (Trader trader : traders) {
            for (int t = 0; t < threadsPerTrader; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < MAX_REQUESTS && running.get(); i++) {
                        Response response = i % 20 == 19
                                ? client.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"limitPrice\":\"1\","
                                        + "\"quantity\":\"1\",\"clientOrderId\":\"" + UUID.randomUUID() + "\"}")
                                : client.get("/api/portfolio", trader.token());
                        outcomes.add(new Outcome(System.nanoTime(), trader.id(), response.status(),
                                response.status() >= 400 ? response.text() : ""));
                        if (response.status() == 201) {
                            orders.merge(trader.id(), 1, Integer::sum);
                        }
                        if (response.status() >= 500) {
                            pause(20); // a real client backs off a little while the tier fails over
                        }
                    }
                }));
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /**
     * How many answers in a row, the latest last, were not failures (status 500 or above): the
     * stretch for which the platform has been serving the load without a break.
     */
    int servedInARow() {
        List<Outcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(java.util.Comparator.comparingLong(Outcome::at));
        int served = 0;
        for (int i = sorted.size() - 1; i >= 0 && sorted.get(i).status() < 500; i--) {
            served++;
        }
        return served;
    }

    /** Orders acknowledged (201) per trader. */
    Map<UUID, Integer> acknowledgedOrders() {
        return Map.copyOf(orders);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /**
     * Every trader's portfolio, read right after the load, shows every order acknowledged during it:
     * none older than the last acknowledged write, failover or not.
     */
    static void assertPortfoliosShowEveryAcknowledgedOrder(ApiClient client, List<Trader> traders,
            Map<UUID, Integer> acknowledged) {
        for (Trader trader : traders) {
            ApiClient.Response portfolio = client.get("/api/portfolio", trader.token());
            assertThat(portfolio.status()).isEqualTo(200);
            assertThat(new BigDecimal(portfolio.json().get("reservedCash").asText()))
                    .as("reserved cash of %s", trader.id())
                    .isEqualByComparingTo(BigDecimal.valueOf(acknowledged.getOrDefault(trader.id(), 0)));
        }
    }
}
