package com.nextleveltraders.edge;

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
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a problem response: the caller's mistakes into 4xx naming the field,
 * unreachable dependencies into 503 with Retry-After, and only true defects into 500 (logged).
 * It also renders the statuses Armeria produces itself (404, 405, 413...) as problems. The gateway
 * uses it too, so that its own refusals look like the instances'. The failures of a server's own
 * domain (the API's trading and database errors) are mapped by the {@link DomainProblems} it passes.
 */
public final class ErrorMapping implements ServerErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    /** A server's own failures as problems; empty for a failure it does not know. */
    @FunctionalInterface
    public interface DomainProblems {

        /** No failures of its own: everything is mapped here or is a defect. */
        DomainProblems NONE = (cause, retryAfter) -> Optional.empty();

        /**
         * @param cause      the failure, unwrapped from completion and execution wrappers
         * @param retryAfter what a 503 tells the client to wait
         */
        Optional<AggregatedHttpResponse> toResponse(Throwable cause, Duration retryAfter);
    }

    private final Duration retryAfter;
    private final DomainProblems domain;

    /**
     * @param retryAfter what a 503 tells the client to wait
     * @param domain     the failures of the server's own domain, tried before the HTTP-level ones
     */
    public ErrorMapping(Duration retryAfter, DomainProblems domain) {
        this.retryAfter = retryAfter;
        this.domain = domain;
    }

    public AggregatedHttpResponse toResponse(Throwable failure) {
        Throwable cause = unwrap(failure);
        Optional<AggregatedHttpResponse> own = domain.toResponse(cause, retryAfter);
        if (own.isPresent()) {
            return own.get();
        }
        return switch (cause) {
            case ContentTooLargeException e -> Problems.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                    "body-too-large", "the request body is too large", List.of());
            case HttpStatusException e -> Problems.of(e.httpStatus(),
                    "http-" + e.httpStatus().code(), e.httpStatus().reasonPhrase(), List.of());
            case HttpProblem e -> Problems.of(e.status(), e.type(), e.getMessage(), e.errors());
            case RequestTimeoutException e -> Problems.unavailable("the request took too long; retry later", retryAfter);
            case RedisTierException e -> {
                LOG.warn("redis unavailable: {}", e.getMessage());
                yield Problems.unavailable("the session store is unavailable; retry later", retryAfter);
            }
            case StreamConstraintsException e -> Problems.of(HttpStatus.BAD_REQUEST, "malformed-json",
                    "the JSON body exceeds a parser limit: " + e.getOriginalMessage(), List.of());
            case UnrecognizedPropertyException e -> Problems.of(HttpStatus.BAD_REQUEST, "unknown-field",
                    "unknown field '" + path(e) + "'", List.of(new FieldProblem(path(e), "unknown field")));
            case JsonMappingException e when !e.getPath().isEmpty() -> Problems.of(HttpStatus.BAD_REQUEST,
                    "invalid-type", path(e) + ": has the wrong type or format",
                    List.of(new FieldProblem(path(e), "has the wrong type or format")));
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
