package com.nextleveltraders.trading;

import java.util.List;

/**
 * A request the platform refuses, with enough to answer it as an RFC 9457 problem: its kind (which
 * the API maps to a status), a stable type slug, a human detail and the offending fields.
 */
public final class TradingException extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind { BAD_REQUEST, UNPROCESSABLE, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final String type;
    private final List<FieldError> errors;

    public TradingException(Kind kind, String type, String detail, List<FieldError> errors) {
        super(detail, null, false, false); // an answer to the caller, not a defect: no stack trace
        this.kind = kind;
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    public static TradingException invalid(List<FieldError> errors) {
        return new TradingException(Kind.UNPROCESSABLE, "validation-failed", summary(errors), errors);
    }

    public static TradingException badParameter(String parameter, String message) {
        return new TradingException(Kind.BAD_REQUEST, "invalid-parameter",
                parameter + ": " + message, List.of(new FieldError(parameter, message)));
    }

    public static TradingException notFound(String what) {
        return new TradingException(Kind.NOT_FOUND, "not-found", what + " not found", List.of());
    }

    public static TradingException conflict(String type, String detail) {
        return new TradingException(Kind.CONFLICT, type, detail, List.of());
    }

    public static TradingException unprocessable(String type, String detail, String field) {
        return new TradingException(Kind.UNPROCESSABLE, type, detail, List.of(new FieldError(field, detail)));
    }

    public Kind kind() {
        return kind;
    }

    public String type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String summary(List<FieldError> errors) {
        StringBuilder text = new StringBuilder();
        for (FieldError error : errors) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(error.field()).append(": ").append(error.message());
        }
        return text.toString();
    }
}
