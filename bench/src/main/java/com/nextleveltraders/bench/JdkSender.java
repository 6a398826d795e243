package com.nextleveltraders.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Orders through {@link HttpClient} over HTTP/1.1. The HttpClient is shared by a few client threads;
 * it opens one keep-alive connection per request in flight, so the server sees about as many
 * connections as there are client threads.
 */
final class JdkSender implements OrderSender {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final URI orders;

    JdkSender(HttpClient client, URI base) {
        this.client = client;
        this.orders = base.resolve("/api/orders");
    }

    static HttpClient newClient() {
        // HTTP/1.1 explicitly: the default would try an h2c upgrade, and Armeria accepts it.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public int post(String token, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(orders)
                .timeout(REQUEST_TIMEOUT)
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        // the HttpClient is shared; OrderLoad closes it
    }
}
