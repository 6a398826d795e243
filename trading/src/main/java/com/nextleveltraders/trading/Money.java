package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Cash is settled in cents. Rounding always favours the house by less than a cent: a buyer pays the
 * notional rounded up, a seller receives it rounded down, so no quantity is ever free.
 */
final class Money {

    static final int CASH_SCALE = 2;
    static final int QUANTITY_SCALE = 8;
    static final int PRICE_SCALE = 4;

    private Money() {
    }

    static BigDecimal cost(BigDecimal quantity, BigDecimal price) {
        return quantity.multiply(price).setScale(CASH_SCALE, RoundingMode.CEILING);
    }

    static BigDecimal proceeds(BigDecimal quantity, BigDecimal price) {
        return quantity.multiply(price).setScale(CASH_SCALE, RoundingMode.FLOOR);
    }

    /** A price as the API shows it: at least cents, more digits only where a limit has them (98.10, 98.1234). */
    static BigDecimal price(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < CASH_SCALE ? value.setScale(CASH_SCALE, RoundingMode.UNNECESSARY) : stripped;
    }

    /** A quantity as the API shows it: no trailing zeros, never in exponent form (1E+2 is shown as 100). */
    static BigDecimal quantity(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
    }

    /** Scale of a value once trailing zeros are dropped: 1.50 has 1 decimal place, 100 has 0. */
    static int decimalPlaces(BigDecimal value) {
        return Math.max(0, value.stripTrailingZeros().scale());
    }
}
