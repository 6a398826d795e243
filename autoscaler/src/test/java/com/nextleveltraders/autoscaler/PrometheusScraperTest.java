package com.nextleveltraders.autoscaler;

import static com.nextleveltraders.autoscaler.Fleets.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.nextleveltraders.monitor.LatencyHistogram;
import com.nextleveltraders.monitor.LatencyHistogram.Bucket;
import com.nextleveltraders.testkit.MutableClock;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against two real scrapes of Micrometer 1.16's Prometheus registry (the API's meters: the process, the JVM's memory
 * pools and {@code http.server.requests} with the platform's buckets), taken 70 requests apart; only the CPU and the
 * old generation's use were edited to look like an instance under load.
 */
class PrometheusScraperTest {

    private static final String FIRST = resource("micrometer-scrape-1.txt");
    private static final String SECOND = resource("micrometer-scrape-2.txt");
    private static final Instant T1 = T0.plusSeconds(15);
    private static final double HEAP_MAX = 6.33339904E9;

    private final MutableClock clock = new MutableClock(T0);
    private final PrometheusScraper scraper = new PrometheusScraper(clock);
    private HttpServer server;

    private static String resource(String name) {
        try (InputStream in = PrometheusScraperTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsCpuAndHeapFromMicrometersOutput() {
        InstanceMetrics m = scraper.read("api-1", T0, FIRST);

        assertThat(m.instanceId()).isEqualTo("api-1");
        assertThat(m.at()).isEqualTo(T0);
        assertThat(m.cpuPercent().getAsDouble()).isCloseTo(42.13469076305221, within(1e-9));
        // Eden and old generation in use over the old generation's maximum: the other pools report -1.
        assertThat(m.memoryPercent().getAsDouble()).isCloseTo((8388608.0 + 3.05112E8) / HEAP_MAX * 100, within(1e-9));
        assertThat(m.requests()).as("no earlier scrape to subtract").isEmpty();
        assertThat(m.p99()).isEmpty();
    }

    @Test
    void theRequestsAreTheDifferenceOfTwoScrapesWithoutHealthChecksAndScrapes() {
        scraper.read("api-1", T0, FIRST);
        InstanceMetrics m = scraper.read("api-1", T1, SECOND);

        // Between the scrapes: 50 orders of 700 ms, 10 quotes of 30 ms, the first portfolio of 20 ms, and 10 health
        // checks of 900 ms that are not the users' requests.
        LatencyHistogram requests = m.requests().orElseThrow();
        assertThat(requests.from()).isEqualTo(T0);
        assertThat(requests.to()).isEqualTo(T1);
        assertThat(requests.count()).isEqualTo(61);
        assertThat(requests.buckets()).containsExactly(new Bucket(0.005, 0), new Bucket(0.01, 0),
                new Bucket(0.025, 1), new Bucket(0.05, 11), new Bucket(0.1, 11), new Bucket(0.25, 11),
                new Bucket(0.5, 11), new Bucket(1, 61), new Bucket(2.5, 61), new Bucket(5, 61),
                new Bucket(Double.POSITIVE_INFINITY, 61));
        // Rank 0.99 * 61 = 60.39, the 49.39th of the 50 requests between 0.5 s and 1 s.
        assertThat(m.p99().orElseThrow().toNanos() / 1e9).isCloseTo(0.5 + 0.5 * 49.39 / 50, within(1e-9));
        assertThat(m.memoryPercent().getAsDouble()).isCloseTo((8388608.0 + 3.1572E8) / HEAP_MAX * 100, within(1e-9));
    }

    @Test
    void noNewRequestsIsAnEmptyHistogramNotAMissingOne() {
        scraper.read("api-1", T0, FIRST);
        InstanceMetrics m = scraper.read("api-1", T1, FIRST);

        assertThat(m.requests().orElseThrow().count()).isZero();
        assertThat(m.p99()).isEmpty();
    }

    @Test
    void beforeItsFirstRequestAnInstanceHasNoHistogramAndEveryLaterRequestIsNew() {
        String idle = "process_cpu_usage 0.01\n";
        scraper.read("api-1", T0, idle);
        InstanceMetrics m = scraper.read("api-1", T1, FIRST);

        assertThat(m.requests().orElseThrow().count()).isEqualTo(600);
    }

    @Test
    void countersThatWentBackAreAResetNotNegativeRequests() {
        scraper.read("api-1", T0, SECOND);
        assertThat(scraper.read("api-1", T1, FIRST).requests()).isEmpty();
        assertThat(scraper.read("api-1", T1.plusSeconds(15), FIRST).requests().orElseThrow().count()).isZero();
    }

    @Test
    void eachInstanceIsSubtractedFromItsOwnPreviousScrape() {
        scraper.read("api-1", T0, FIRST);
        scraper.read("api-2", T0, SECOND);

        assertThat(scraper.read("api-1", T1, SECOND).requests().orElseThrow().count()).isEqualTo(61);
        assertThat(scraper.read("api-2", T1, SECOND).requests().orElseThrow().count()).isZero();
    }

    @Test
    void aHistogramWithAnUnreadableLineIsNotTrustedButTheRestIsRead() {
        scraper.read("api-1", T0, FIRST);
        String broken = SECOND.replace(
                "http_server_requests_seconds_bucket{method=\"POST\",route=\"/api/orders\",status=\"201\",le=\"0.5\"} 200",
                "http_server_requests_seconds_bucket{method=\"POST\",route=\"/api/orders\",status=\"201\",le=\"0.5\" 200");
        assertThat(broken).isNotEqualTo(SECOND);

        InstanceMetrics m = scraper.read("api-1", T1, broken);

        assertThat(m.requests()).isEmpty();
        assertThat(m.cpuPercent()).isPresent();
        assertThat(m.memoryPercent()).isPresent();
    }

    @Test
    void nonsenseGivesMissingFiguresNeverAnException() {
        InstanceMetrics html = scraper.read("api-1", T0, "<html><body>502 Bad Gateway</body></html>");
        assertThat(html.cpuPercent()).isEmpty();
        assertThat(html.memoryPercent()).isEmpty();

        InstanceMetrics odd = scraper.read("api-2", T0, """
                process_cpu_usage NaN
                jvm_memory_used_bytes{area="heap",id="a"} 1
                jvm_memory_max_bytes{area="heap",id="a"} -1
                http_server_requests_seconds_bucket{route="/x",le="0.5"} 1.5
                """);
        assertThat(odd.cpuPercent()).isEmpty();
        assertThat(odd.memoryPercent()).isEmpty();
        assertThat(scraper.read("api-2", T1, FIRST).requests()).as("the odd histogram is no baseline").isEmpty();
    }

    @Test
    void scrapesOverHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = FIRST.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        clock.advance(Duration.ofSeconds(3));

        Optional<InstanceMetrics> m = scraper.scrape(at(base.resolve("/metrics")));
        assertThat(m).isPresent();
        assertThat(m.get().at()).isEqualTo(T0.plusSeconds(3));
        assertThat(m.get().cpuPercent()).isPresent();

        assertThat(scraper.scrape(at(base.resolve("/broken")))).isEmpty();
    }

    @Test
    void anUnreachableInstanceIsMissingMetrics() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        assertThat(scraper.scrape(at(URI.create("http://127.0.0.1:" + closedPort + "/metrics")))).isEmpty();
    }

    @Test
    void anInstanceThatDoesNotAnswerInTimeIsMissingMetrics() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        PrometheusScraper impatient = new PrometheusScraper(HttpClient.newHttpClient(), clock, Duration.ofMillis(200));

        try {
            assertThat(impatient.scrape(at(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/metrics")))).isEmpty();
        } finally {
            release.countDown();
        }
    }

    private static Instance at(URI metrics) {
        return new Instance("api-1", "fra1", T0, metrics);
    }
}
