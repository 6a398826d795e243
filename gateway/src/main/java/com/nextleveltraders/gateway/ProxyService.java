package com.nextleveltraders.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.Problems;
import com.nextleveltraders.edge.RateLimiting;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Forwards each request to the least loaded healthy instance and relays its answer.
 *
 * <p>Requests and answers are aggregated (API bodies are small and bounded by
 * {@code platform.api.maxRequestBody}), so that a request can be sent again. A request that never
 * reached an instance (connection refused) is retried on another whatever its method. One whose
 * connection was reset after it was sent is retried only when repeating it is harmless: GET, HEAD,
 * OPTIONS, or a POST carrying a {@code clientOrderId} (the API answers a repeated one with the
 * first order). Either failure ejects the instance at once. A timeout is not retried: a slow
 * instance is not a dead one, and the request may still be running there.
 */
final class ProxyService implements HttpService {

    /** The instance that answered (set on every forwarded request), for the gateway's metrics. */
    static final AttributeKey<String> BACKEND = AttributeKey.valueOf(ProxyService.class, "BACKEND");
    /** The region of the instance whose answer is relayed; unset when the gateway answers itself. */
    static final AttributeKey<String> REGION = AttributeKey.valueOf(ProxyService.class, "REGION");

    private static final ObjectMapper JSON = new ObjectMapper();
    // Connection-scoped headers (RFC 9110 section 7.6.1) are not forwarded; neither is accept-encoding,
    // since the gateway compresses for the client and the loopback hop gains nothing from it.
    private static final Set<AsciiString> NOT_FORWARDED = Set.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, AsciiString.of("proxy-connection"), HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.TE, HttpHeaderNames.UPGRADE, HttpHeaderNames.HOST, HttpHeaderNames.ACCEPT_ENCODING,
            HttpHeaderNames.CONTENT_LENGTH, AsciiString.of(RateLimiting.GATEWAY_SECRET_HEADER));
    private static final Set<AsciiString> NOT_RELAYED = Set.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.CONTENT_LENGTH);

    private final BackendPool pool;
    private final Optional<String> secret;
    private final int retries;
    private final Duration retryAfter;
    private final GatewayMetrics metrics;

    ProxyService(BackendPool pool, Optional<String> secret, int retries, Duration retryAfter, GatewayMetrics metrics) {
        this.pool = pool;
        this.secret = secret;
        this.retries = retries;
        this.retryAfter = retryAfter;
        this.metrics = metrics;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenCompose(request -> {
            HttpRequest forwarded = outgoing(ctx, request);
            return forward(ctx, request, forwarded, new HashSet<>(), 0);
        }));
    }

    private CompletableFuture<HttpResponse> forward(ServiceRequestContext ctx, AggregatedHttpRequest request,
            HttpRequest forwarded, Set<String> tried, int attempt) {
        Optional<BackendPool.Member> picked = pool.acquire(backend -> !tried.contains(backend.id()));
        if (picked.isEmpty()) {
            return CompletableFuture.completedFuture(Problems.unavailable(tried.isEmpty()
                    ? "no healthy API instance; retry later"
                    : "no other healthy API instance could take the request; retry later", retryAfter).toHttpResponse());
        }
        BackendPool.Member member = picked.get();
        tried.add(member.id());
        ctx.setAttr(BACKEND, member.id());
        // Each attempt sends a fresh copy: a request object can be consumed once.
        HttpRequest copy = HttpRequest.of(forwarded.headers(), request.content());
        return member.client().execute(copy).aggregate().handle((response, failure) -> {
            pool.release(member);
            if (failure == null) {
                metrics.answered(member.id(), response.status());
                ctx.setAttr(REGION, member.region());
                return CompletableFuture.completedFuture(relay(response));
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            boolean notSent = cause instanceof UnprocessedRequestException;
            boolean reset = cause instanceof ClosedSessionException || cause instanceof ClosedStreamException
                    || cause instanceof IOException;
            if (notSent || reset) {
                pool.connectionFailed(member);
            }
            if (attempt < retries && (notSent || reset && idempotent(request))) {
                metrics.retried(member.id());
                return forward(ctx, request, forwarded, tried, attempt + 1);
            }
            metrics.failed(member.id());
            return CompletableFuture.completedFuture(failureResponse(cause, notSent, request));
        }).thenCompose(next -> next);
    }

    private HttpResponse failureResponse(Throwable cause, boolean notSent, AggregatedHttpRequest request) {
        if (cause instanceof ResponseTimeoutException) {
            return Problems.of(HttpStatus.GATEWAY_TIMEOUT, "instance-timeout",
                    "the API instance did not answer in time; the request may still complete", List.of(), null).toHttpResponse();
        }
        if (notSent) {
            return Problems.unavailable("no API instance could be reached; retry later", retryAfter).toHttpResponse();
        }
        String detail = request.method() == HttpMethod.POST
                ? "the connection to the API instance was lost after the request was sent, so it may have taken "
                        + "effect; send it again with the same clientOrderId to be safe"
                : "the connection to the API instance was lost; retry";
        return Problems.of(HttpStatus.BAD_GATEWAY, "instance-failed", detail, List.of(), null).toHttpResponse();
    }

    /** The request as the instance gets it: the client's headers, minus connection ones, plus the gateway's. */
    private HttpRequest outgoing(ServiceRequestContext ctx, AggregatedHttpRequest request) {
        RequestHeaders in = request.headers();
        RequestHeadersBuilder out = RequestHeaders.builder(in.method(), in.path());
        in.forEach((name, value) -> {
            if (!name.toString().startsWith(":") && !NOT_FORWARDED.contains(name)) {
                out.add(name, value);
            }
        });
        String peer = ((InetSocketAddress) ctx.remoteAddress()).getAddress().getHostAddress();
        String earlier = in.get("x-forwarded-for");
        out.set("x-forwarded-for", earlier == null ? peer : earlier + ", " + peer);
        out.set("x-forwarded-proto", ctx.sessionProtocol().isTls() ? "https" : "http");
        // The authority the client addressed (Host, or HTTP/2's :authority), for the instance's Origin
        // check of cookie-authenticated writes: a client's own value must never reach it.
        String authority = in.authority();
        if (authority == null || authority.isEmpty()) {
            out.remove("x-forwarded-host");
        } else {
            out.set("x-forwarded-host", authority);
        }
        secret.ifPresent(value -> out.set(RateLimiting.GATEWAY_SECRET_HEADER, value));
        return HttpRequest.of(out.build());
    }

    private static HttpResponse relay(AggregatedHttpResponse response) {
        ResponseHeadersBuilder headers = ResponseHeaders.builder(response.status());
        response.headers().forEach((name, value) -> {
            if (!name.toString().startsWith(":") && !NOT_RELAYED.contains(name)) {
                headers.add(name, value);
            }
        });
        return HttpResponse.of(headers.build(), response.content(), response.trailers());
    }

    /** Whether sending the request twice does no harm (see the class comment). */
    static boolean idempotent(AggregatedHttpRequest request) {
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return true;
        }
        if (method != HttpMethod.POST || request.content().isEmpty()) {
            return false;
        }
        try {
            JsonNode body = JSON.readTree(request.content().array());
            JsonNode id = body == null ? null : body.get("clientOrderId");
            return id != null && id.isTextual() && !id.asText().isBlank();
        } catch (IOException | RuntimeException e) {
            return false; // not JSON: the instance will refuse it, and a refusal is not retried anyway
        }
    }
}
