package com.nextleveltraders.trading;

/** The answer to a placement: the order, and whether it is a replay of an earlier identical request. */
public record PlacedOrder(Order order, boolean replayed) {
}
