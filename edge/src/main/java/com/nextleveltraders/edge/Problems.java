package com.nextleveltraders.edge;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem responses: {@code application/problem+json} with type, title, status, detail, errors. */
public final class Problems {

    static final MediaType PROBLEM_JSON = MediaType.parse("application/problem+json; charset=utf-8");
    static final String TYPE_BASE = "https://nextleveltraders.com/problems/";

    private Problems() {
    }

    public static AggregatedHttpResponse of(HttpStatus status, String type, String detail, List<FieldProblem> errors) {
        return of(status, type, detail, errors, null);
    }

    public static AggregatedHttpResponse unavailable(String detail, Duration retryAfter) {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", detail, List.of(), retryAfter);
    }

    public static AggregatedHttpResponse of(HttpStatus status, String type, String detail, List<FieldProblem> errors,
            Duration retryAfter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", status.reasonPhrase());
        body.put("status", status.code());
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            List<Map<String, String>> fields = new ArrayList<>();
            for (FieldProblem error : errors) {
                fields.add(Map.of("field", error.field(), "message", error.message()));
            }
            body.put("errors", fields);
        }
        // An error is about this request only: no cache may keep it.
        ResponseHeadersBuilder headers = ResponseHeaders.builder(status).contentType(PROBLEM_JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (retryAfter != null) {
            headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        return AggregatedHttpResponse.of(headers.build(), HttpData.wrap(Json.write(body)));
    }
}
