package com.nextleveltraders.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A client of the gateway's admin API (loopback, its own token): add, drain and list backends. */
public final class GatewayAdmin implements AutoCloseable {

    /** A backend as the gateway reports it. */
    public record Backend(String id, String region, int port, String state, boolean draining, int inFlight, long requests) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String token;
    private final Duration drainTimeout;

    public GatewayAdmin(int adminPort, String token, Duration drainTimeout) {
        this.base = URI.create("http://127.0.0.1:" + adminPort + "/admin/backends");
        this.token = token;
        this.drainTimeout = drainTimeout;
    }

    void add(String id, String host, int port, String region) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("host", host, "port", port, "region", region));
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("backends/" + id))
                .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)), 
                Duration.ofSeconds(10));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IOException("the gateway refused backend " + id + ": " + response.body());
        }
    }

    /** Drains and removes; true when the in-flight requests finished before the drain timeout. */
    boolean drain(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("backends/" + id)).DELETE(),
                drainTimeout.plusSeconds(10));
        if (response.statusCode() == 404) {
            return true;
        }
        if (response.statusCode() != 200) {
            throw new IOException("the gateway could not drain " + id + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("drained").asBoolean(false);
    }

    public List<Backend> backends() throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base).GET(), Duration.ofSeconds(10));
        if (response.statusCode() != 200) {
            throw new IOException("the gateway's admin API answered " + response.statusCode());
        }
        List<Backend> backends = new ArrayList<>();
        for (JsonNode node : JSON.readTree(response.body()).path("backends")) {
            backends.add(new Backend(node.path("id").asText(), node.path("region").asText(), node.path("port").asInt(),
                    node.path("state").asText(), node.path("draining").asBoolean(), node.path("inFlight").asInt(),
                    node.path("requests").asLong()));
        }
        return backends;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(request.header("authorization", "Bearer " + token).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        client.close();
    }
}
