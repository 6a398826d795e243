package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How {@link Portfolios} values an account: positions at the last price of the current quote tick,
 * unrealised P&L against their cost, equity as cash plus market value, and the cash left to spend.
 */
class PortfoliosTest {

    private final TestTrading trading = TestTrading.get();

    @Test
    void positionsAreValuedAtTheLastPriceOfTheCurrentTickAgainstWhatTheyCost() {
        UUID trader = trading.newTrader();
        Order apple = trading.market(trader, "AAPL", "BUY", "3").order();
        Order coke = trading.market(trader, "KO", "BUY", "2.5").order();
        BigDecimal appleCost = Money.cost(apple.quantity(), apple.filledAvgPrice());
        BigDecimal cokeCost = Money.cost(coke.quantity(), coke.filledAvgPrice());

        Instant now = trading.clock.instant();
        Portfolio portfolio = trading.portfolios.of(trader);
        assertThat(portfolio.valuedAt()).isEqualTo(trading.market.tickStart(now));
        assertThat(portfolio.positions()).extracting(Portfolio.Holding::symbol).containsExactly("AAPL", "KO");
        BigDecimal appleLast = trading.market.quoteAt("AAPL", now).orElseThrow().last();
        BigDecimal cokeLast = trading.market.quoteAt("KO", now).orElseThrow().last();
        Portfolio.Holding held = portfolio.positions().getFirst();
        assertThat(held.quantity()).isEqualByComparingTo("3");
        assertThat(held.costBasis()).isEqualByComparingTo(appleCost);
        assertThat(held.averageCost()).isEqualByComparingTo(appleCost.divide(new BigDecimal("3"), 4, RoundingMode.HALF_EVEN));
        assertThat(held.lastPrice()).isEqualByComparingTo(appleLast);
        assertThat(held.marketValue()).isEqualByComparingTo(cents(appleLast.multiply(new BigDecimal("3"))));
        assertThat(held.unrealizedPnl()).isEqualByComparingTo(held.marketValue().subtract(appleCost));

        BigDecimal marketValue = cents(appleLast.multiply(new BigDecimal("3")))
                .add(cents(cokeLast.multiply(new BigDecimal("2.5"))));
        assertThat(portfolio.marketValue()).isEqualByComparingTo(marketValue);
        assertThat(portfolio.unrealizedPnl()).isEqualByComparingTo(marketValue.subtract(appleCost).subtract(cokeCost));
        BigDecimal cash = new BigDecimal("100000").subtract(appleCost).subtract(cokeCost);
        assertThat(portfolio.cash()).isEqualByComparingTo(cash);
        assertThat(portfolio.equity()).isEqualByComparingTo(cash.add(marketValue));
        assertThat(portfolio.realizedPnl()).isEqualByComparingTo("0");
    }

    @Test
    void availableCashIsWhatOpenBuyOrdersHaveNotHeldBack() {
        UUID trader = trading.newTrader();
        trading.limit(trader, "KO", "BUY", "10", new BigDecimal("1.25"));
        Portfolio portfolio = trading.portfolios.of(trader);
        assertThat(portfolio.cash()).isEqualByComparingTo("100000");
        assertThat(portfolio.reservedCash()).isEqualByComparingTo("12.50");
        assertThat(portfolio.availableCash()).isEqualByComparingTo("99987.50");
        assertThat(portfolio.equity()).isEqualByComparingTo("100000");
    }

    @Test
    void theValueFollowsTheQuotesWithoutAnyWriteAndKeepsTheCostBasis() {
        UUID trader = trading.newTrader();
        trading.market(trader, "NVDA", "BUY", "4");
        Instant now = trading.clock.instant();
        Portfolio before = trading.portfolios.of(trader);
        Instant later = now.plusSeconds(3_600);
        trading.clock.set(later);
        Portfolio after;
        try {
            after = trading.portfolios.of(trader);
        } finally {
            trading.clock.set(now);
        }
        BigDecimal laterLast = trading.market.quoteAt("NVDA", later).orElseThrow().last();
        assertThat(after.valuedAt()).isEqualTo(trading.market.tickStart(later));
        assertThat(after.positions().getFirst().lastPrice()).isEqualByComparingTo(laterLast);
        assertThat(after.marketValue()).isEqualByComparingTo(cents(laterLast.multiply(new BigDecimal("4"))));
        assertThat(after.positions().getFirst().costBasis()).isEqualByComparingTo(before.positions().getFirst().costBasis());
        assertThat(after.cash()).isEqualByComparingTo(before.cash());
    }

    private static BigDecimal cents(BigDecimal amount) {
        return amount.setScale(Money.CASH_SCALE, RoundingMode.HALF_EVEN);
    }
}
