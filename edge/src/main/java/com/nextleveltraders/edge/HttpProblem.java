package com.nextleveltraders.edge;

import com.linecorp.armeria.common.HttpStatus;
import java.util.List;

/** An HTTP-level refusal (bad body, missing token, wrong media type) answered as a problem. */
public final class HttpProblem extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final List<FieldProblem> errors;

    public HttpProblem(HttpStatus status, String type, String detail, List<FieldProblem> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    public static HttpProblem badRequest(String type, String detail, String field) {
        return new HttpProblem(HttpStatus.BAD_REQUEST, type, detail,
                field == null ? List.of() : List.of(new FieldProblem(field, detail)));
    }

    public static HttpProblem unauthorized() {
        return new HttpProblem(HttpStatus.UNAUTHORIZED, "unauthorized",
                "a valid session is required: Authorization: Bearer <token>, or the " + SessionToken.COOKIE + " cookie", List.of());
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    List<FieldProblem> errors() {
        return errors;
    }
}
