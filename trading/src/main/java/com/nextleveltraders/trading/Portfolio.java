package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A user's account valued at the quotes of one instant. Amounts in {@code currency}. */
public record Portfolio(String currency, BigDecimal cash, BigDecimal reservedCash, BigDecimal availableCash,
        List<Holding> positions, BigDecimal marketValue, BigDecimal unrealizedPnl, BigDecimal realizedPnl,
        BigDecimal equity, Instant valuedAt) {

    public Portfolio {
        positions = List.copyOf(positions);
    }

    /** One position: quantity held, of which {@code reservedQuantity} is promised to open SELL limits. */
    public record Holding(String symbol, BigDecimal quantity, BigDecimal reservedQuantity, BigDecimal averageCost,
            BigDecimal costBasis, BigDecimal lastPrice, BigDecimal marketValue, BigDecimal unrealizedPnl) {
    }
}
