package com.nextleveltraders.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a new paper-trading account starts with: {@code platform.account}.
 *
 * @param currency ISO 4217 code
 */
public record Account(BigDecimal startingCash, String currency) {

    public Account {
        Objects.requireNonNull(startingCash, "startingCash");
        Objects.requireNonNull(currency, "currency");
    }
}
