package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.data.SqlWork;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The cash and position arithmetic of {@link Ledger}, one money move at a time on a real account:
 * what a buy adds, what a sell takes away at the average cost, and what it books as realised P&L.
 */
class LedgerTest {

    private final TestTrading trading = TestTrading.get();
    private final UUID user = trading.newTrader();
    private final int bucket = trading.database.router().bucketOf(user);

    @Test
    void aBuyDebitsItsCostReleasesItsReserveAndAddsTheCostToTheCostBasis() {
        inTransaction(connection -> {
            Ledger.reserveCash(connection, user, new BigDecimal("500.00"));
            Ledger.buy(connection, user, bucket, "KO", new BigDecimal("10"), new BigDecimal("400.00"), new BigDecimal("500.00"));
            Ledger.buy(connection, user, bucket, "KO", new BigDecimal("10"), new BigDecimal("500.00"), BigDecimal.ZERO);
            return null;
        });
        assertThat(account().cash()).isEqualByComparingTo("99100.00");
        assertThat(account().reservedCash()).isEqualByComparingTo("0");
        Ledger.Position position = position("KO").orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("20");
        assertThat(position.costBasis()).isEqualByComparingTo("900.00");
    }

    @Test
    void aSellTakesItsShareOfTheCostBasisAtTheAverageCostAndBooksTheRestAsRealisedPnl() {
        inTransaction(connection -> {
            Ledger.buy(connection, user, bucket, "KO", new BigDecimal("20"), new BigDecimal("900.00"), BigDecimal.ZERO);
            Ledger.sell(connection, user, "KO", Ledger.lockPosition(connection, user, "KO").orElseThrow(),
                    new BigDecimal("5"), new BigDecimal("300.00"), BigDecimal.ZERO);
            return null;
        });
        // 5 of 20 shares carry a quarter of 900.00: 225.00; sold for 300.00, a gain of 75.00.
        Ledger.Position position = position("KO").orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("15");
        assertThat(position.costBasis()).isEqualByComparingTo("675.00");
        assertThat(realizedPnl()).isEqualByComparingTo("75.00");
        assertThat(account().cash()).isEqualByComparingTo("99400.00");
    }

    @Test
    void theLastSharesSoldTakeTheWholeRemainingCostBasisSoNoCentIsLostToRounding() {
        inTransaction(connection -> {
            Ledger.buy(connection, user, bucket, "KO", new BigDecimal("3"), new BigDecimal("100.00"), BigDecimal.ZERO);
            for (int i = 0; i < 3; i++) {
                Ledger.sell(connection, user, "KO", Ledger.lockPosition(connection, user, "KO").orElseThrow(),
                        BigDecimal.ONE, new BigDecimal("40.00"), BigDecimal.ZERO);
            }
            return null;
        });
        // 33.33, then 33.34 (half of 66.67), then the 33.33 left: the cost of the shares sold adds up
        // to exactly what they cost.
        assertThat(position("KO")).isEmpty();
        assertThat(realizedPnl()).isEqualByComparingTo("20.00");
        assertThat(account().cash()).isEqualByComparingTo("100020.00");
    }

    @Test
    void aPositionStaysWhileSharesOfItAreStillReservedEvenWithNoneFreeLeft() {
        inTransaction(connection -> {
            Ledger.buy(connection, user, bucket, "KO", new BigDecimal("4"), new BigDecimal("200.00"), BigDecimal.ZERO);
            Ledger.reserveQuantity(connection, user, "KO", new BigDecimal("4"));
            // An open SELL of 3 fills, releasing its 3: one share stays, still promised to another order.
            Ledger.sell(connection, user, "KO", Ledger.lockPosition(connection, user, "KO").orElseThrow(),
                    new BigDecimal("3"), new BigDecimal("150.00"), new BigDecimal("3"));
            return null;
        });
        Ledger.Position position = position("KO").orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("1");
        assertThat(position.reservedQuantity()).isEqualByComparingTo("1");
        assertThat(position.available()).isEqualByComparingTo("0");
        assertThat(position.costBasis()).isEqualByComparingTo("50.00");
    }

    @Test
    void availableCashIsCashLessWhatOpenOrdersHoldBack() {
        inTransaction(connection -> {
            Ledger.reserveCash(connection, user, new BigDecimal("250.50"));
            return null;
        });
        assertThat(account().available()).isEqualByComparingTo("99749.50");
    }

    @Test
    void aMoveOnARowThatIsNotThereFailsTheTransactionInsteadOfChangingNothing() {
        assertThatThrownBy(() -> inTransaction(connection -> {
            Ledger.reserveQuantity(connection, user, "KO", BigDecimal.ONE);
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("position KO");
        assertThatThrownBy(() -> inTransaction(connection -> Ledger.lockAccount(connection, UUID.randomUUID())))
                .isInstanceOfSatisfying(TradingException.class,
                        e -> assertThat(e.kind()).isEqualTo(TradingException.Kind.NOT_FOUND));
    }

    @Test
    void cashIsSettledInCentsAlwaysInTheHousesFavour() {
        // 3 shares at 33.3333: 99.9999, paid as 100.00 by a buyer and received as 99.99 by a seller.
        assertThat(Money.cost(new BigDecimal("3"), new BigDecimal("33.3333"))).isEqualTo(new BigDecimal("100.00"));
        assertThat(Money.proceeds(new BigDecimal("3"), new BigDecimal("33.3333"))).isEqualTo(new BigDecimal("99.99"));
        // However small the quantity, it is never free.
        assertThat(Money.cost(new BigDecimal("0.00000001"), new BigDecimal("1.00"))).isEqualTo(new BigDecimal("0.01"));
    }

    private <T> T inTransaction(SqlWork<T> work) {
        return trading.database.write("test_write", user, work);
    }

    private Ledger.Account account() {
        return inTransaction(connection -> Ledger.lockAccount(connection, user));
    }

    private Optional<Ledger.Position> position(String symbol) {
        return inTransaction(connection -> Ledger.lockPosition(connection, user, symbol));
    }

    private BigDecimal realizedPnl() {
        return trading.portfolios.of(user).realizedPnl();
    }
}
