package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link Orders} itself, below the HTTP contract: validation reports every bad field
 * at once, idempotency by clientOrderId, and what placing and cancelling hold back.
 */
class OrdersTest {

    private final TestTrading trading = TestTrading.get();

    @Test
    void everyInvalidFieldIsReportedInOneRefusalAndNothingIsWritten() {
        UUID trader = trading.newTrader();
        NewOrder bad = new NewOrder("ZZZZ", "HOLD", "STOP", new BigDecimal("-1"), null, "x".repeat(49));
        assertThatThrownBy(() -> trading.orders.place(trader, bad)).isInstanceOfSatisfying(TradingException.class, e -> {
            assertThat(e.kind()).isEqualTo(TradingException.Kind.UNPROCESSABLE);
            assertThat(e.type()).isEqualTo("validation-failed");
            assertThat(e.errors()).extracting(FieldError::field)
                    .containsExactly("symbol", "side", "type", "quantity", "clientOrderId");
        });
        assertThat(trading.orders.list(trader, Map.of()).items()).isEmpty();
    }

    @Test
    void symbolSideAndTypeAreReadInAnyCaseAndStoredInCapitals() {
        UUID trader = trading.newTrader();
        Order order = trading.orders.place(trader, new NewOrder("aapl", "buy", "Market", new BigDecimal("1.50"), null, null))
                .order();
        assertThat(order.symbol()).isEqualTo("AAPL");
        assertThat(order.side()).isEqualTo(Side.BUY);
        assertThat(order.type()).isEqualTo(OrderType.MARKET);
        assertThat(order.quantity()).isEqualTo(new BigDecimal("1.5"));
        assertThat(trading.orders.get(trader, order.id())).isEqualTo(order);
    }

    @Test
    void aClientOrderIdBelongsToItsUserAlone() {
        UUID first = trading.newTrader();
        UUID second = trading.newTrader();
        NewOrder order = new NewOrder("KO", "BUY", "MARKET", BigDecimal.ONE, null, "shared-id");
        PlacedOrder mine = trading.orders.place(first, order);
        PlacedOrder theirs = trading.orders.place(second, order);
        assertThat(mine.replayed()).isFalse();
        assertThat(theirs.replayed()).isFalse();
        assertThat(theirs.order().id()).isNotEqualTo(mine.order().id());
        assertThat(trading.tradesOf(first)).hasSize(1);
        assertThat(trading.tradesOf(second)).hasSize(1);
    }

    @Test
    void aReplayAnswersTheOriginalOrderAsItIsNowAndHoldsBackNothingMore() {
        UUID trader = trading.newTrader();
        // Far above the ask: open until the engine's next pass, which fills it.
        NewOrder order = new NewOrder("PG", "BUY", "LIMIT", new BigDecimal("2"), new BigDecimal("5000"), "once");
        Order placed = trading.orders.place(trader, order).order();
        assertThat(trading.portfolios.of(trader).reservedCash()).isEqualByComparingTo("10000.00");
        PlacedOrder whileOpen = trading.orders.place(trader, order);
        assertThat(whileOpen.replayed()).isTrue();
        assertThat(whileOpen.order()).isEqualTo(placed);
        assertThat(trading.portfolios.of(trader).reservedCash()).isEqualByComparingTo("10000.00");

        trading.fillEngine.runOnce();
        PlacedOrder afterFill = trading.orders.place(trader, order);
        assertThat(afterFill.replayed()).isTrue();
        assertThat(afterFill.order().id()).isEqualTo(placed.id());
        assertThat(afterFill.order().status()).isEqualTo(OrderStatus.FILLED);
        assertThat(trading.portfolios.of(trader).reservedCash()).isEqualByComparingTo("0");
        assertThat(trading.tradesOf(trader)).hasSize(1);
    }

    @Test
    void aLimitPriceWithTrailingZerosIsTheSameRequestForIdempotency() {
        UUID trader = trading.newTrader();
        Order placed = trading.orders.place(trader,
                new NewOrder("KO", "BUY", "LIMIT", BigDecimal.ONE, new BigDecimal("1.5"), "same")).order();
        PlacedOrder again = trading.orders.place(trader,
                new NewOrder("KO", "BUY", "LIMIT", new BigDecimal("1.000"), new BigDecimal("1.5000"), "same"));
        assertThat(again.replayed()).isTrue();
        assertThat(again.order().id()).isEqualTo(placed.id());
        assertThatThrownBy(() -> trading.orders.place(trader,
                new NewOrder("KO", "BUY", "LIMIT", BigDecimal.ONE, new BigDecimal("1.51"), "same")))
                .isInstanceOfSatisfying(TradingException.class,
                        e -> assertThat(e.type()).isEqualTo("client-order-id-reused"));
    }

    @Test
    void cancellingASellLimitGivesItsSharesBackToSell() {
        UUID trader = trading.newTrader();
        trading.market(trader, "INTC", "BUY", "4");
        UUID sell = trading.limit(trader, "INTC", "SELL", "3", new BigDecimal("999999")).order().id();
        assertThat(trading.portfolios.of(trader).positions().getFirst().reservedQuantity()).isEqualByComparingTo("3");
        assertThatThrownBy(() -> trading.market(trader, "INTC", "SELL", "2")).isInstanceOfSatisfying(
                TradingException.class, e -> assertThat(e.type()).isEqualTo("insufficient-position"));

        assertThat(trading.orders.cancel(trader, sell).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(trading.portfolios.of(trader).positions().getFirst().reservedQuantity()).isEqualByComparingTo("0");
        trading.market(trader, "INTC", "SELL", "4");
        assertThat(trading.portfolios.of(trader).positions()).isEmpty();
    }

    @Test
    void aFilledOrderCannotBeCancelled() {
        UUID trader = trading.newTrader();
        UUID filled = trading.market(trader, "KO", "BUY", "1").order().id();
        assertThatThrownBy(() -> trading.orders.cancel(trader, filled)).isInstanceOfSatisfying(TradingException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(TradingException.Kind.CONFLICT);
                    assertThat(e.type()).isEqualTo("order-not-open");
                });
        assertThat(trading.orders.list(trader, Map.of("status", List.of("FILLED"))).items()).hasSize(1);
    }
}
