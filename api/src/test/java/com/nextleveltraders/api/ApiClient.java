package com.nextleveltraders.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A plain HTTP client for the API, as a user with curl would call it. */
final class ApiClient {

    static final String PASSWORD = "correct horse battery";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Response(int status, String contentType, Map<String, java.util.List<String>> headers, String text) {
        JsonNode json() {
            try {
                return text.isEmpty() ? MissingNode.getInstance() : MAPPER.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text, e);
            }
        }

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), java.util.List.of()).stream()
                    .findFirst().orElse(null);
        }
    }

    /** A registered, logged-in user. */
    record Trader(UUID id, String email, String token) {
    }

    private final String base;
    // HTTP/1.1, as curl speaks it: an over-long body is then answered 413, not reset mid-upload
    // as an HTTP/2 stream is when it exceeds the flow-control window.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String base) {
        this.base = base;
    }

    Response send(String method, String path, String token, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                    response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    Response delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    Response post(String path, String token, String json) {
        return send("POST", path, token, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    Trader newTrader() {
        String email = "trader-" + UUID.randomUUID() + "@example.com";
        Response created = post("/api/users", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":\"Test Trader\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("registration failed: " + created);
        }
        Response session = post("/api/sessions", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
        if (session.status() != 201) {
            throw new IllegalStateException("login failed: " + session);
        }
        return new Trader(UUID.fromString(created.json().get("id").asText()), email, session.json().get("token").asText());
    }

    Response order(Trader trader, String json) {
        return post("/api/orders", trader.token(), json);
    }
}
