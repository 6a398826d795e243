package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;

import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.PlatformConfig;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarketSimulatorTest {

    private final PlatformConfig config = ConfigLoader.defaults();
    private final Instant start = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void twoInstancesSeeTheSameQuoteAtTheSameInstantWithoutCoordination() {
        MarketSimulator a = new MarketSimulator(config.platform().market(), Clock.fixed(start, ZoneOffset.UTC));
        MarketSimulator b = new MarketSimulator(config.platform().market(), Clock.fixed(start.plusMillis(999), ZoneOffset.UTC));
        assertThat(a.quotes()).isEqualTo(b.quotes());
        assertThat(a.quoteAt("AAPL", start).orElseThrow().at()).isEqualTo(start);
    }

    @Test
    void pricesStayWithinTheConfiguredRangeOverAYearOfTicks() {
        MarketSimulator market = new MarketSimulator(config.platform().market(), Clock.systemUTC());
        BigDecimal min = config.platform().market().minPrice();
        BigDecimal max = config.platform().market().maxPrice();
        for (String symbol : market.symbols()) {
            for (long hour = 0; hour < 24 * 365; hour += 7) {
                Quote quote = market.quoteAt(symbol, start.plus(Duration.ofHours(hour))).orElseThrow();
                assertThat(quote.last()).isBetween(min, max);
                assertThat(quote.bid()).isLessThan(quote.last());
                assertThat(quote.ask()).isGreaterThan(quote.last());
            }
        }
    }

    @Test
    void priceMovesTickByTickLikeAWalkAndNotByJumps() {
        MarketSimulator market = new MarketSimulator(config.platform().market(), Clock.systemUTC());
        Set<BigDecimal> seen = new HashSet<>();
        BigDecimal previous = market.quoteAt("MSFT", start).orElseThrow().last();
        for (int second = 1; second <= 600; second++) {
            BigDecimal last = market.quoteAt("MSFT", start.plusSeconds(second)).orElseThrow().last();
            // No tick moves more than 1 %: the finest octaves are small steps.
            assertThat(last.subtract(previous).abs()).isLessThanOrEqualTo(previous.movePointLeft(2));
            seen.add(last);
            previous = last;
        }
        assertThat(seen.size()).isGreaterThan(100);
    }

    @Test
    void aDifferentSeedGivesADifferentMarketAndUnknownSymbolsHaveNoQuote() {
        PlatformConfig other = ConfigLoader.loadYaml("platform:\n  market:\n    seed: 7\n");
        MarketSimulator a = new MarketSimulator(config.platform().market(), Clock.fixed(start, ZoneOffset.UTC));
        MarketSimulator b = new MarketSimulator(other.platform().market(), Clock.fixed(start, ZoneOffset.UTC));
        assertThat(a.quotes()).isNotEqualTo(b.quotes());
        assertThat(a.quote("NOPE")).isEmpty();
    }
}
