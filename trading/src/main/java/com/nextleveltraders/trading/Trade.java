package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One fill. */
public record Trade(UUID id, UUID orderId, String symbol, Side side, BigDecimal quantity, BigDecimal price,
        BigDecimal notional, Instant createdAt) {
}
