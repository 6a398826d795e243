package com.nextleveltraders.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.FieldProblem;
import com.nextleveltraders.edge.Problems;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The admin API on the loopback-only admin port (the runtime API of HAProxy, the admin interface of
 * Envoy): list, add and drain backends. Every {@code /admin} call needs the admin token as a bearer
 * token or an operations dashboard session ({@link AdminAccess}).
 *
 * <ul>
 *   <li>{@code GET /admin/backends}: each backend's address, region, state, in-flight requests.
 *   <li>{@code PUT /admin/backends/{id}} with {@code {"host", "port", "region"}}: add (201), or
 *       nothing if it is there already with that address (200).
 *   <li>{@code DELETE /admin/backends/{id}}: stop routing to it, wait up to the drain timeout for its
 *       in-flight requests, remove it; answers {@code {"drained": true|false}}.
 * </ul>
 */
final class AdminService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.JSON_UTF_8;
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private final BackendPool pool;
    private final GatewayMetrics metrics;
    private final List<String> regions;
    private final Duration drainTimeout;

    AdminService(BackendPool pool, GatewayMetrics metrics, List<String> regions, Duration drainTimeout) {
        this.pool = pool;
        this.metrics = metrics;
        this.regions = List.copyOf(regions);
        this.drainTimeout = drainTimeout;
    }

    HttpResponse list(ServiceRequestContext ctx, HttpRequest req) {
        List<Map<String, Object>> backends = new ArrayList<>();
        for (BackendPool.Member member : pool.members()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", member.id());
            view.put("host", member.host());
            view.put("port", member.port());
            view.put("region", member.region());
            view.put("state", member.tracker().state().name());
            view.put("draining", member.backend().isDraining());
            view.put("inFlight", member.backend().inFlight());
            view.put("requests", member.requests().get());
            backends.add(view);
        }
        return json(HttpStatus.OK, Map.of("backends", backends));
    }

    HttpResponse put(ServiceRequestContext ctx, HttpRequest req) {
        String id = ctx.pathParam("id");
        return HttpResponse.of(req.aggregate().thenApply(request -> {
            List<FieldProblem> errors = new ArrayList<>();
            if (id == null || !ID.matcher(id).matches()) {
                errors.add(new FieldProblem("id", "must be 1 to 40 of a-z, 0-9 and '-', starting with a letter or digit"));
            }
            JsonNode body = parse(request);
            if (body == null || !body.isObject()) {
                errors.add(new FieldProblem("body", "must be a JSON object with host, port and region"));
                return problem(errors);
            }
            JsonNode host = body.get("host");
            JsonNode port = body.get("port");
            JsonNode region = body.get("region");
            if (host == null || !host.isTextual() || host.asText().isBlank() || host.asText().length() > 253) {
                errors.add(new FieldProblem("host", "must be a host name or address"));
            }
            if (port == null || !port.canConvertToInt() || !port.isIntegralNumber() || port.asInt() < 1
                    || port.asInt() > 65535) {
                errors.add(new FieldProblem("port", "must be a whole number from 1 to 65535"));
            }
            if (region == null || !region.isTextual() || !regions.contains(region.asText())) {
                errors.add(new FieldProblem("region", "must be one of " + regions));
            }
            if (!errors.isEmpty()) {
                return problem(errors);
            }
            boolean existed = pool.member(id).isPresent();
            if (!pool.add(id, host.asText(), port.asInt(), region.asText())) {
                return Problems.of(HttpStatus.CONFLICT, "backend-exists",
                        "backend " + id + " exists with another address or is draining", List.of(), null).toHttpResponse();
            }
            pool.member(id).ifPresent(member -> metrics.track(member.backend()));
            return json(existed ? HttpStatus.OK : HttpStatus.CREATED, Map.of("id", id));
        }));
    }

    HttpResponse delete(ServiceRequestContext ctx, HttpRequest req) {
        String id = ctx.pathParam("id");
        if (id == null || pool.member(id).isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, "backend-unknown", "no backend " + id,
                    List.of(new FieldProblem("id", "no such backend")), null).toHttpResponse();
        }
        // The drain may take up to the drain timeout: answer when it is over, not before.
        ctx.setRequestTimeout(drainTimeout.plusSeconds(5));
        return HttpResponse.of(pool.drain(id, drainTimeout).thenApply(drained -> {
            metrics.untrack(id);
            return json(HttpStatus.OK, Map.of("id", id, "drained", drained));
        }));
    }

    private static JsonNode parse(AggregatedHttpRequest request) {
        try {
            return JSON.readTree(request.content().array());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static HttpResponse problem(List<FieldProblem> errors) {
        return Problems.of(HttpStatus.BAD_REQUEST, "invalid-request",
                "the backend is not valid: " + errors.get(0).field() + " " + errors.get(0).message(), errors, null).toHttpResponse();
    }

    private static HttpResponse json(HttpStatus status, Object body) {
        try {
            return HttpResponse.of(status, JSON_TYPE, HttpData.wrap(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
