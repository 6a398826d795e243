package com.nextleveltraders.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.cache.RedisTierException;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.trading.BusyException;
import com.nextleveltraders.trading.FieldError;
import com.nextleveltraders.trading.TradingException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a problem response: the caller's mistakes into 4xx naming the field,
 * unreachable dependencies into 503 with Retry-After, and only true defects into 500 (logged).
 * It also renders the statuses Armeria produces itself (404, 405, 413...) as problems. The gateway
 * uses it too, so that its own refusals look like the instances'.
 */
public final class ErrorMapping implements ServerErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private final Duration retryAfter;

    /** @param retryAfter what a 503 tells the client to wait */
    public ErrorMapping(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    AggregatedHttpResponse toResponse(Throwable failure) {
        Throwable cause = unwrap(failure);
        return switch (cause) {
            case ContentTooLargeException e -> Problems.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                    "body-too-large", "the request body is too large", List.of());
            case HttpStatusException e -> Problems.of(e.httpStatus(),
                    "http-" + e.httpStatus().code(), e.httpStatus().reasonPhrase(), List.of());
            case TradingException e -> Problems.of(status(e.kind()), e.type(), e.getMessage(), e.errors());
            case ApiException e -> Problems.of(e.status(), e.type(), e.getMessage(), e.errors());
            case DatabaseUnavailableException e -> {
                LOG.warn("database unavailable: {}", e.getMessage());
                yield Problems.unavailable("the database is unavailable; retry later", retryAfter);
            }
            case BusyException e -> Problems.unavailable("the instance is busy: " + e.getMessage() + "; retry later",
                    retryAfter);
            case RequestTimeoutException e -> Problems.unavailable("the request took too long; retry later", retryAfter);
            case RedisTierException e -> {
                LOG.warn("redis unavailable: {}", e.getMessage());
                yield Problems.unavailable("the session store is unavailable; retry later", retryAfter);
            }
            case StreamConstraintsException e -> Problems.of(HttpStatus.BAD_REQUEST, "malformed-json",
                    "the JSON body exceeds a parser limit: " + e.getOriginalMessage(), List.of());
            case UnrecognizedPropertyException e -> Problems.of(HttpStatus.BAD_REQUEST, "unknown-field",
                    "unknown field '" + path(e) + "'", List.of(new FieldError(path(e), "unknown field")));
            case JsonMappingException e when !e.getPath().isEmpty() -> Problems.of(HttpStatus.BAD_REQUEST,
                    "invalid-type", path(e) + ": has the wrong type or format",
                    List.of(new FieldError(path(e), "has the wrong type or format")));
            case JsonProcessingException e -> Problems.of(HttpStatus.BAD_REQUEST, "malformed-json",
                    "the body is not a valid JSON object: " + e.getOriginalMessage(), List.of());
            default -> {
                LOG.error("unexpected failure", cause);
                yield Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                        "an unexpected error occurred", List.of());
            }
        };
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        return toResponse(cause).toHttpResponse();
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
            HttpStatus status, String description, Throwable cause) {
        String detail = switch (status.code()) {
            case 404 -> "no such resource: " + headers.path();
            case 405 -> "method " + headers.method() + " is not allowed here";
            case 413 -> "the request body is larger than " + config.maxRequestLength() + " bytes";
            case 415 -> "the body must be application/json";
            default -> description != null ? description : status.reasonPhrase();
        };
        String type = switch (status.code()) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "body-too-large";
            default -> "http-" + status.code();
        };
        return Problems.of(status, type, detail, List.of());
    }

    private static HttpStatus status(TradingException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_ENTITY;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
        };
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause instanceof UncheckedIOException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
