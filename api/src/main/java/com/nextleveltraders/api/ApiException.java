package com.nextleveltraders.api;

import com.linecorp.armeria.common.HttpStatus;
import com.nextleveltraders.trading.FieldError;
import java.util.List;

/** An HTTP-level refusal (bad body, missing token, wrong media type) answered as a problem. */
final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final List<FieldError> errors;

    ApiException(HttpStatus status, String type, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    static ApiException badRequest(String type, String detail, String field) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, detail,
                field == null ? List.of() : List.of(new FieldError(field, detail)));
    }

    static ApiException unauthorized() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized",
                "a valid session token is required: Authorization: Bearer <token>", List.of());
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    List<FieldError> errors() {
        return errors;
    }
}
