package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** An order as its owner sees it. {@code limitPrice}, {@code filledAvgPrice}, {@code filledAt} may be null. */
public record Order(UUID id, String clientOrderId, String symbol, Side side, OrderType type, BigDecimal quantity,
        BigDecimal limitPrice, OrderStatus status, BigDecimal filledQuantity, BigDecimal filledAvgPrice,
        Instant createdAt, Instant filledAt) {
}
