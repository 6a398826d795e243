package com.nextleveltraders.api;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.nextleveltraders.data.DatabaseUnavailableException;
import com.nextleveltraders.edge.ErrorMapping;
import com.nextleveltraders.edge.FieldProblem;
import com.nextleveltraders.edge.Problems;
import com.nextleveltraders.trading.BusyException;
import com.nextleveltraders.trading.FieldError;
import com.nextleveltraders.trading.TradingException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The trading domain's failures as problems: refusals as 4xx naming the field, outages as 503. */
final class TradingProblems implements ErrorMapping.DomainProblems {

    private static final Logger LOG = LoggerFactory.getLogger(TradingProblems.class);

    @Override
    public Optional<AggregatedHttpResponse> toResponse(Throwable cause, Duration retryAfter) {
        return Optional.ofNullable(switch (cause) {
            case TradingException e -> Problems.of(status(e.kind()), e.type(), e.getMessage(), fields(e.errors()));
            case DatabaseUnavailableException e -> {
                LOG.warn("database unavailable: {}", e.getMessage());
                yield Problems.unavailable("the database is unavailable; retry later", retryAfter);
            }
            case BusyException e -> Problems.unavailable("the instance is busy: " + e.getMessage() + "; retry later",
                    retryAfter);
            default -> null;
        });
    }

    private static List<FieldProblem> fields(List<FieldError> errors) {
        return errors.stream().map(error -> new FieldProblem(error.field(), error.message())).toList();
    }

    private static HttpStatus status(TradingException.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_ENTITY;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
        };
    }
}
