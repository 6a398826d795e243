package com.nextleveltraders.monitor;

import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A process's Prometheus endpoint, read over HTTP within a timeout and a size bound. */
public final class MetricsEndpoint implements Target {

    /** How long a scrape may take, from connecting to the last byte. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    private static final int HTTP_OK = 200;
    // Micrometer's answer for a few dozen routes is tens of KiB; an answer a hundred times larger is not ours.
    private static final long MAX_BODY_BYTES = 4L << 20;

    private final String id;
    private final Map<String, String> labels;
    private final URI uri;
    private final HttpClient client;
    private final Duration timeout;

    public MetricsEndpoint(String id, Map<String, String> labels, URI uri, HttpClient client, Duration timeout) {
        this.id = id;
        this.labels = Map.copyOf(labels);
        this.uri = uri;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public List<Sample> collect() throws IOException, InterruptedException {
        PrometheusText.Parsed parsed = PrometheusText.parse(fetch(client, uri, timeout));
        return parsed.samples();
    }

    /**
     * The text at {@code uri}.
     *
     * @throws IOException when it does not answer 200 within {@code timeout}, or answers more than 4 MiB
     */
    public static String fetch(HttpClient client, URI uri, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "text/plain; version=0.0.4")
                .GET()
                .build();
        // The request's own timeout ends with the headers; the body is bounded by waiting on the future.
        CompletableFuture<HttpResponse<String>> answer =
                client.sendAsync(request, BodyHandlers.limiting(BodyHandlers.ofString(), MAX_BODY_BYTES));
        HttpResponse<String> response;
        try {
            response = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException("no answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
        if (response.statusCode() != HTTP_OK) {
            throw new IOException("answered " + response.statusCode());
        }
        return response.body();
    }
}
