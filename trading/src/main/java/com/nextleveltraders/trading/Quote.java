package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.time.Instant;

/** A symbol's prices during one tick, which starts at {@code at}. */
public record Quote(String symbol, BigDecimal bid, BigDecimal ask, BigDecimal last, Instant at) {
}
