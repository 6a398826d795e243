package com.nextleveltraders.trading;

import java.math.BigDecimal;

/** An order as the client sent it; validated by {@link Orders#place}. */
public record NewOrder(String symbol, String side, String type, BigDecimal quantity, BigDecimal limitPrice,
        String clientOrderId) {
}
