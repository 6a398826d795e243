package com.nextleveltraders.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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

    public Market {
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(minPrice, "minPrice");
        Objects.requireNonNull(maxPrice, "maxPrice");
        symbols = List.copyOf(Objects.requireNonNull(symbols, "symbols"));
    }
}
