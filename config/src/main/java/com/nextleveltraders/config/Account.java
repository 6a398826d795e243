package com.nextleveltraders.config;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a new paper-trading account starts with: {@code platform.account}.
 *
 * @param currency ISO 4217 code
 */
public record Account(BigDecimal startingCash, String currency) {
    private static final int MAX_CASH_SCALE = 2;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    public Account {
        Objects.requireNonNull(startingCash, "startingCash");
        Objects.requireNonNull(currency, "currency");
        Ranges.of(Account.class)
                .that(startingCash.signum() >= 0, "startingCash", "must be >= 0 (got " + startingCash.toPlainString() + ")")
                .that(startingCash.scale() <= MAX_CASH_SCALE, "startingCash", "must have at most " + MAX_CASH_SCALE
                        + " decimal places (got " + startingCash.toPlainString() + ")")
                .matches("currency", currency, CURRENCY, "three upper-case letters")
                .check();
    }
}
