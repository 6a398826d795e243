package com.nextleveltraders.edge;

/**
 * One offending input field of a refused request, as a problem body's {@code errors} list names it.
 *
 * @param field   a JSON path such as {@code quantity} or {@code legs[0].price}, or a query parameter
 * @param message what is wrong with it, for a human
 */
public record FieldProblem(String field, String message) {
}
