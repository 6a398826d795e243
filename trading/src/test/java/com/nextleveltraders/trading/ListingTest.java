package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.config.ConfigLoader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The query-string rules of {@link Listing} (limits, sorting, filters and cursors, with the seed's
 * limits: pages of 20 by default and at most 100, 3 sort fields, 5 filter conditions), and keyset
 * pages over real rows.
 */
class ListingTest {

    private final Listing listing = new Listing(ConfigLoader.defaults().query().patterns());

    @Test
    void aPageHoldsTheDefaultLimitUnlessAskedForOneToTheMaximum() {
        assertThat(parse(Map.of()).limit()).isEqualTo(20);
        assertThat(parse(Map.of("limit", "1")).limit()).isEqualTo(1);
        assertThat(parse(Map.of("limit", "100")).limit()).isEqualTo(100);
        for (String refused : List.of("0", "101", "-1", "ten", "1.5", "")) {
            assertRefused(() -> parse(Map.of("limit", refused)), "limit");
        }
    }

    @Test
    void sortingIsByAtMostThreeListedFieldsEachOnce() {
        Listing.Query query = parse(Map.of("sort", "symbol,-quantity,createdAt"));
        assertThat(query.sortText()).isEqualTo("symbol,-quantity,createdAt");
        assertThat(query.sort().get(1).field().column()).isEqualTo("quantity");
        assertThat(query.sort().get(1).descending()).isTrue();
        assertThat(parse(Map.of()).sortText()).isEqualTo("-createdAt");
        assertRefused(() -> parse(Map.of("sort", "symbol,side,type,status")), "sort");
        assertRefused(() -> parse(Map.of("sort", "symbol,-symbol")), "sort");
        assertRefused(() -> parse(Map.of("sort", "user_id")), "sort");
        assertRefused(() -> parse(Map.of("sort", "")), "sort");
    }

    @Test
    void filtersTakeOnlyTheirAllowedValuesAndAtMostFiveAtOnce() {
        Listing.Query query = parse(Map.of("status", "open", "symbol", "aapl"));
        assertThat(query.conditions()).extracting(Listing.Condition::value).containsExactlyInAnyOrder("OPEN", "AAPL");
        assertRefused(() -> parse(Map.of("status", "SOMETIMES")), "status");
        assertRefused(() -> parse(Map.of("from", "yesterday")), "from");
        assertRefused(() -> parse(Map.of("to", "1969-12-31T23:59:59Z")), "to");
        assertRefused(() -> parse(Map.of("user_id", UUID.randomUUID().toString())), "user_id");
        Map<String, String> six = new LinkedHashMap<>();
        six.put("status", "OPEN");
        six.put("symbol", "AAPL");
        six.put("side", "BUY");
        six.put("type", "LIMIT");
        six.put("from", "2026-01-01T00:00:00Z");
        six.put("to", "2027-01-01T00:00:00Z");
        assertRefused(() -> parse(six), "to");
    }

    @Test
    void aParameterGivenTwiceOrTooLongIsRefused() {
        assertThatThrownBy(() -> listing.parse(Orders.LIST_SPEC, Map.of("limit", List.of("5", "6"))))
                .isInstanceOfSatisfying(TradingException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("limit"));
        assertRefused(() -> parse(Map.of("symbol", "A".repeat(257))), "symbol");
        assertRefused(() -> parse(Map.of("cursor", "A".repeat(2049))), "cursor");
    }

    @Test
    void aCursorContinuesOnlyTheSortItWasMadeFor() {
        TestTrading trading = TestTrading.get();
        UUID trader = trading.newTrader();
        for (int i = 0; i < 3; i++) {
            trading.market(trader, "KO", "BUY", "1");
        }
        String cursor = trading.orders.list(trader, Map.of("limit", List.of("2"), "sort", List.of("symbol")))
                .nextCursor();
        assertThat(cursor).isNotNull();
        assertThat(parse(Map.of("sort", "symbol", "cursor", cursor)).after()).isNotNull();
        assertRefused(() -> parse(Map.of("sort", "-symbol", "cursor", cursor)), "cursor");
        assertRefused(() -> parse(Map.of("cursor", cursor)), "cursor");
        assertRefused(() -> parse(Map.of("sort", "symbol", "cursor", "bm90IGEgY3Vyc29y")), "cursor");
        assertRefused(() -> parse(Map.of("sort", "symbol", "cursor", "%%%")), "cursor");
    }

    @Test
    void keysetPagesVisitEveryRowOnceInTheAskedOrderWhateverTiesAndDirections() {
        TestTrading trading = TestTrading.get();
        UUID trader = trading.newTrader();
        // The clock does not move: every order has the same creation time, so only the id breaks ties.
        String[] symbols = {"KO", "AAPL", "KO", "INTC", "AAPL", "KO", "PG"};
        for (int i = 0; i < symbols.length; i++) {
            trading.market(trader, symbols[i], "BUY", String.valueOf(1 + i % 3));
        }
        for (String sort : List.of("-createdAt", "symbol,-quantity", "-symbol,quantity,createdAt")) {
            List<Order> all = trading.orders.list(trader, Map.of("limit", List.of("100"), "sort", List.of(sort))).items();
            assertThat(all).hasSize(symbols.length);
            assertThat(all).as(sort).isSortedAccordingTo(comparator(sort));
            List<Order> paged = new ArrayList<>();
            String cursor = null;
            do {
                Map<String, List<String>> parameters = new LinkedHashMap<>();
                parameters.put("limit", List.of("2"));
                parameters.put("sort", List.of(sort));
                if (cursor != null) {
                    parameters.put("cursor", List.of(cursor));
                }
                Page<Order> page = trading.orders.list(trader, parameters);
                paged.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor != null);
            assertThat(paged).as(sort).containsExactlyElementsOf(all);
        }
    }

    /** The order a sort names, with the id's direction (the tie-break) following the first field. */
    private static Comparator<Order> comparator(String sort) {
        Comparator<Order> order = null;
        boolean firstDescending = sort.startsWith("-");
        for (String part : sort.split(",")) {
            boolean descending = part.startsWith("-");
            Comparator<Order> field = switch (part.replace("-", "")) {
                case "createdAt" -> Comparator.comparing(Order::createdAt);
                case "symbol" -> Comparator.comparing(Order::symbol);
                case "quantity" -> Comparator.comparing(Order::quantity, BigDecimal::compareTo);
                default -> throw new IllegalArgumentException(part);
            };
            field = descending ? field.reversed() : field;
            order = order == null ? field : order.thenComparing(field);
        }
        Comparator<Order> id = Comparator.comparing(Order::id);
        return order.thenComparing(firstDescending ? id.reversed() : id);
    }

    private Listing.Query parse(Map<String, String> parameters) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        parameters.forEach((name, value) -> lists.put(name, List.of(value)));
        return listing.parse(Orders.LIST_SPEC, lists);
    }

    private static void assertRefused(ThrowingCallable call, String parameter) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TradingException.class, e -> {
            assertThat(e.kind()).isEqualTo(TradingException.Kind.BAD_REQUEST);
            assertThat(e.errors()).extracting(FieldError::field).containsExactly(parameter);
        });
    }
}
