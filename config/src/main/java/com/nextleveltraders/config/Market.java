package com.nextleveltraders.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The simulated market: {@code platform.market}.
 *
 * @param seed seed of the price simulation, so that runs are reproducible
 * @param tick time between two price updates
 */
public record Market(
        long seed,
        Duration tick,
        BigDecimal minPrice,
        BigDecimal maxPrice,
        int spreadBasisPoints,
        List<String> symbols) {

    private static final BigDecimal MIN_QUOTE_PRICE = new BigDecimal("0.02");
    // A spread of 100 % would leave no price to trade at.
    private static final int MAX_SPREAD_BASIS_POINTS = 9_999;
    private static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9.]{0,9}");

    public Market {
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(minPrice, "minPrice");
        Objects.requireNonNull(maxPrice, "maxPrice");
        symbols = List.copyOf(Objects.requireNonNull(symbols, "symbols"));
        // Quotes are in cents with at least a cent of spread each side: below 0.02 a bid would be <= 0.
        boolean quotable = minPrice.compareTo(MIN_QUOTE_PRICE) >= 0 && minPrice.stripTrailingZeros().scale() <= 2;
        Ranges.of(Market.class)
                .positive("tick", tick)
                .that(quotable, "minPrice", "must be >= " + MIN_QUOTE_PRICE.toPlainString()
                        + " with at most 2 decimal places (got " + minPrice.toPlainString() + ")")
                .between("spreadBasisPoints", spreadBasisPoints, 0, MAX_SPREAD_BASIS_POINTS)
                .notEmpty("symbols", symbols)
                .eachMatches("symbols", symbols, SYMBOL, "an upper-case ticker such as AAPL or BRK.B")
                .distinct("symbols", symbols, ConfigProblems::quote)
                .check();
    }
}
