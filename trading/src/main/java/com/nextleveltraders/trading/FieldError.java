package com.nextleveltraders.trading;

/** One offending input field (a JSON pointer-like path or a query parameter) and what is wrong. */
public record FieldError(String field, String message) {
}
