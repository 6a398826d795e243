package com.nextleveltraders.trading;

import com.nextleveltraders.config.QueryPatterns;
import com.nextleveltraders.data.Database;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Placing, reading and cancelling orders. Market orders fill at once; limit orders wait for {@link FillEngine}. */
public final class Orders {

    // Not from the strategy: sanity bounds of a paper account, like a broker's fat-finger limits.
    static final BigDecimal MAX_QUANTITY = new BigDecimal("1000000");
    static final BigDecimal MAX_LIMIT_PRICE = new BigDecimal("1000000");
    static final int MAX_CLIENT_ORDER_ID_LENGTH = 48;

    static final String COLUMNS = "id, client_order_id, symbol, side, type, quantity, limit_price, status, "
            + "filled_quantity, filled_avg_price, created_at, filled_at";

    static final Listing.Spec LIST_SPEC = listSpec();

    private final Database database;
    private final MarketSimulator market;
    private final Listing listing;
    private final Ids ids;
    private final Clock clock;
    private final PortfolioCache portfolios;

    public Orders(Database database, MarketSimulator market, QueryPatterns patterns, Clock clock, PortfolioCache portfolios) {
        this.portfolios = portfolios;
        this.database = database;
        this.market = market;
        this.listing = new Listing(patterns);
        this.ids = new Ids(clock);
        this.clock = clock;
    }

    /**
     * Places an order. With a {@code clientOrderId} seen before, the same request returns the
     * original order (marked replayed) and a different one is a conflict; concurrent retries of one
     * id serialise on the account lock, so exactly one order exists.
     */
    public PlacedOrder place(UUID userId, NewOrder request) {
        Validated order = validate(request);
        byte[] requestHash = order.hash();
        int bucket = database.router().bucketOf(userId);
        PlacedOrder placed = database.write("place_order", userId, connection -> {
            Ledger.Account account = Ledger.lockAccount(connection, userId);
            if (order.clientOrderId() != null) {
                Optional<Replay> earlier = findByClientOrderId(connection, userId, order.clientOrderId());
                if (earlier.isPresent()) {
                    if (!MessageDigest.isEqual(earlier.get().requestHash(), requestHash)) {
                        throw TradingException.conflict("client-order-id-reused",
                                "clientOrderId was used for a different order");
                    }
                    return new PlacedOrder(earlier.get().order(), true);
                }
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            Quote quote = market.quoteAt(order.symbol(), now).orElseThrow();
            UUID orderId = ids.next();
            Order created = order.type() == OrderType.MARKET
                    ? fillMarket(connection, userId, bucket, orderId, order, account, quote, now, requestHash)
                    : openLimit(connection, userId, bucket, orderId, order, account, now, requestHash);
            return new PlacedOrder(created, false);
        });
        // Committed: readers must not see the portfolio from before it. A replay invalidates too: its
        // original may not have reached that step (a crash, a lost connection after the commit).
        portfolios.invalidate(userId);
        return placed;
    }

    public Order get(UUID userId, UUID orderId) {
        return database.read("get_order", userId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM orders WHERE id = ? AND user_id = ?")) {
                select.setObject(1, orderId);
                select.setObject(2, userId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw TradingException.notFound("order");
                    }
                    return map(rs);
                }
            }
        });
    }

    /** Cancels an open order and releases what it reserved; 409 when it is no longer open. */
    public Order cancel(UUID userId, UUID orderId) {
        Order cancelled = database.write("cancel_order", userId, connection -> {
            Ledger.lockAccount(connection, userId);
            Order order;
            BigDecimal reservedCash;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + ", reserved_cash FROM orders WHERE id = ? AND user_id = ? FOR UPDATE")) {
                select.setObject(1, orderId);
                select.setObject(2, userId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw TradingException.notFound("order");
                    }
                    order = map(rs);
                    reservedCash = rs.getBigDecimal("reserved_cash");
                }
            }
            if (order.status() != OrderStatus.OPEN) {
                throw TradingException.conflict("order-not-open", "order is " + order.status() + ", not OPEN");
            }
            if (order.side() == Side.BUY) {
                Ledger.reserveCash(connection, userId, reservedCash.negate());
            } else {
                Ledger.reserveQuantity(connection, userId, order.symbol(), order.quantity().negate());
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE orders SET status = 'CANCELLED', cancelled_at = ?, reserved_cash = 0 WHERE id = ?")) {
                update.setTimestamp(1, Timestamp.from(clock.instant()));
                update.setObject(2, orderId);
                Ledger.expectOne(update.executeUpdate(), "order " + orderId);
            }
            return new Order(order.id(), order.clientOrderId(), order.symbol(), order.side(), order.type(),
                    order.quantity(), order.limitPrice(), OrderStatus.CANCELLED, order.filledQuantity(),
                    order.filledAvgPrice(), order.createdAt(), order.filledAt());
        });
        portfolios.invalidate(userId); // the released reserve is visible in the portfolio
        return cancelled;
    }

    /** The user's orders: filters status, symbol, side, type, from, to; sort; keyset pages. */
    public Page<Order> list(UUID userId, Map<String, List<String>> parameters) {
        Listing.Query query = listing.parse(LIST_SPEC, parameters);
        return database.read("list_orders", userId, connection -> listing.fetch(connection,
                LIST_SPEC, "SELECT " + COLUMNS + " FROM orders WHERE user_id = ?", List.of(userId), query, Orders::map));
    }

    private Order fillMarket(Connection connection, UUID userId, int bucket, UUID orderId, Validated order,
            Ledger.Account account, Quote quote, Instant now, byte[] requestHash) throws SQLException {
        BigDecimal price;
        BigDecimal notional;
        if (order.side() == Side.BUY) {
            price = quote.ask();
            notional = Money.cost(order.quantity(), price);
            if (notional.compareTo(account.available()) > 0) {
                throw insufficientCash(notional, account);
            }
            insertOrder(connection, userId, bucket, orderId, order, OrderStatus.FILLED, price, BigDecimal.ZERO, now, requestHash);
            Ledger.buy(connection, userId, bucket, order.symbol(), order.quantity(), notional, BigDecimal.ZERO);
        } else {
            price = quote.bid();
            notional = Money.proceeds(order.quantity(), price);
            Ledger.Position position = availablePosition(connection, userId, order);
            insertOrder(connection, userId, bucket, orderId, order, OrderStatus.FILLED, price, BigDecimal.ZERO, now, requestHash);
            Ledger.sell(connection, userId, order.symbol(), position, order.quantity(), notional, BigDecimal.ZERO);
        }
        Ledger.insertTrade(connection, ids.next(), userId, bucket, orderId, order.symbol(), order.side(),
                order.quantity(), price, notional, now);
        return new Order(orderId, order.clientOrderId(), order.symbol(), order.side(), order.type(), order.quantity(),
                null, OrderStatus.FILLED, order.quantity(), Money.price(price), now, now);
    }

    private Order openLimit(Connection connection, UUID userId, int bucket, UUID orderId, Validated order,
            Ledger.Account account, Instant now, byte[] requestHash) throws SQLException {
        BigDecimal reserve = BigDecimal.ZERO;
        if (order.side() == Side.BUY) {
            // Reserve the most the order can cost: it fills at the limit or better.
            reserve = Money.cost(order.quantity(), order.limitPrice());
            if (reserve.compareTo(account.available()) > 0) {
                throw insufficientCash(reserve, account);
            }
            Ledger.reserveCash(connection, userId, reserve);
        } else {
            availablePosition(connection, userId, order);
            Ledger.reserveQuantity(connection, userId, order.symbol(), order.quantity());
        }
        insertOrder(connection, userId, bucket, orderId, order, OrderStatus.OPEN, null, reserve, now, requestHash);
        return new Order(orderId, order.clientOrderId(), order.symbol(), order.side(), order.type(), order.quantity(),
                Money.price(order.limitPrice()), OrderStatus.OPEN, BigDecimal.ZERO, null, now, null);
    }

    private static Ledger.Position availablePosition(Connection connection, UUID userId, Validated order)
            throws SQLException {
        Optional<Ledger.Position> position = Ledger.lockPosition(connection, userId, order.symbol());
        BigDecimal available = position.map(Ledger.Position::available).orElse(BigDecimal.ZERO);
        if (order.quantity().compareTo(available) > 0) {
            throw TradingException.unprocessable("insufficient-position",
                    "cannot sell " + order.quantity().toPlainString() + " " + order.symbol() + ": "
                            + available.stripTrailingZeros().toPlainString() + " available (no short selling)",
                    "quantity");
        }
        return position.orElseThrow();
    }

    private static TradingException insufficientCash(BigDecimal needed, Ledger.Account account) {
        return TradingException.unprocessable("insufficient-cash",
                "order needs " + needed.toPlainString() + " USD; " + account.available().toPlainString()
                        + " USD available", "quantity");
    }

    private static void insertOrder(Connection connection, UUID userId, int bucket, UUID orderId, Validated order,
            OrderStatus status, BigDecimal fillPrice, BigDecimal reservedCash, Instant now, byte[] requestHash)
            throws SQLException {
        boolean filled = status == OrderStatus.FILLED;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO orders (id, user_id, bucket, client_order_id, request_hash, symbol, side, type, quantity, "
                        + "limit_price, status, filled_quantity, filled_avg_price, reserved_cash, created_at, filled_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, orderId);
            insert.setObject(2, userId);
            insert.setInt(3, bucket);
            insert.setString(4, order.clientOrderId());
            insert.setBytes(5, requestHash);
            insert.setString(6, order.symbol());
            insert.setString(7, order.side().name());
            insert.setString(8, order.type().name());
            insert.setBigDecimal(9, order.quantity());
            insert.setBigDecimal(10, order.limitPrice());
            insert.setString(11, status.name());
            insert.setBigDecimal(12, filled ? order.quantity() : BigDecimal.ZERO);
            insert.setBigDecimal(13, fillPrice);
            insert.setBigDecimal(14, reservedCash);
            insert.setTimestamp(15, Timestamp.from(now));
            insert.setTimestamp(16, filled ? Timestamp.from(now) : null);
            insert.executeUpdate();
        }
    }

    private record Replay(Order order, byte[] requestHash) {
    }

    private static Optional<Replay> findByClientOrderId(Connection connection, UUID userId, String clientOrderId)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + ", request_hash FROM orders WHERE user_id = ? AND client_order_id = ?")) {
            select.setObject(1, userId);
            select.setString(2, clientOrderId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new Replay(map(rs), rs.getBytes("request_hash"))) : Optional.empty();
            }
        }
    }

    static Order map(ResultSet rs) throws SQLException {
        Timestamp filledAt = rs.getTimestamp("filled_at");
        BigDecimal limitPrice = rs.getBigDecimal("limit_price");
        BigDecimal avg = rs.getBigDecimal("filled_avg_price");
        return new Order(rs.getObject("id", UUID.class), rs.getString("client_order_id"), rs.getString("symbol"),
                Side.valueOf(rs.getString("side")), OrderType.valueOf(rs.getString("type")),
                Money.quantity(rs.getBigDecimal("quantity")), limitPrice == null ? null : Money.price(limitPrice),
                OrderStatus.valueOf(rs.getString("status")), Money.quantity(rs.getBigDecimal("filled_quantity")),
                avg == null ? null : Money.price(avg), rs.getTimestamp("created_at").toInstant(),
                filledAt == null ? null : filledAt.toInstant());
    }

    /** A request that passed validation, in canonical form. */
    record Validated(String symbol, Side side, OrderType type, BigDecimal quantity, BigDecimal limitPrice,
            String clientOrderId) {

        /** What makes two requests "the same body" for idempotency: every field in canonical text. */
        byte[] hash() {
            String canonical = symbol + '|' + side + '|' + type + '|' + quantity.stripTrailingZeros().toPlainString()
                    + '|' + (limitPrice == null ? "" : limitPrice.stripTrailingZeros().toPlainString());
            try {
                return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }

    private Validated validate(NewOrder request) {
        List<FieldError> errors = new ArrayList<>();
        String symbol = request.symbol() == null ? null : request.symbol().toUpperCase(Locale.ROOT);
        if (symbol == null || symbol.isEmpty()) {
            errors.add(new FieldError("symbol", "is required"));
        } else if (!market.isListed(symbol)) {
            errors.add(new FieldError("symbol", "is not a listed symbol"));
        }
        Side side = parseEnum(Side.class, "side", request.side(), errors);
        OrderType type = parseEnum(OrderType.class, "type", request.type(), errors);
        BigDecimal quantity = request.quantity();
        if (quantity == null) {
            errors.add(new FieldError("quantity", "is required"));
        } else if (quantity.signum() <= 0) {
            errors.add(new FieldError("quantity", "must be positive"));
        } else if (quantity.compareTo(MAX_QUANTITY) > 0) {
            errors.add(new FieldError("quantity", "must be at most " + MAX_QUANTITY.toPlainString()));
        } else if (Money.decimalPlaces(quantity) > Money.QUANTITY_SCALE) {
            errors.add(new FieldError("quantity", "must have at most " + Money.QUANTITY_SCALE + " decimal places"));
        }
        BigDecimal limitPrice = request.limitPrice();
        if (type == OrderType.LIMIT) {
            if (limitPrice == null) {
                errors.add(new FieldError("limitPrice", "is required for LIMIT orders"));
            } else if (limitPrice.signum() <= 0) {
                errors.add(new FieldError("limitPrice", "must be positive"));
            } else if (limitPrice.compareTo(MAX_LIMIT_PRICE) > 0) {
                errors.add(new FieldError("limitPrice", "must be at most " + MAX_LIMIT_PRICE.toPlainString()));
            } else if (Money.decimalPlaces(limitPrice) > Money.PRICE_SCALE) {
                errors.add(new FieldError("limitPrice", "must have at most " + Money.PRICE_SCALE + " decimal places"));
            }
        } else if (type == OrderType.MARKET && limitPrice != null) {
            errors.add(new FieldError("limitPrice", "must be absent for MARKET orders"));
        }
        String clientOrderId = request.clientOrderId();
        if (clientOrderId != null) {
            if (clientOrderId.isEmpty() || clientOrderId.length() > MAX_CLIENT_ORDER_ID_LENGTH) {
                errors.add(new FieldError("clientOrderId", "must have 1 to " + MAX_CLIENT_ORDER_ID_LENGTH + " characters"));
            } else if (!ClientText.isClean(clientOrderId)) {
                errors.add(new FieldError("clientOrderId", "must be well-formed text without control characters"));
            }
        }
        if (!errors.isEmpty()) {
            throw TradingException.invalid(errors);
        }
        return new Validated(symbol, side, type, quantity.stripTrailingZeros(),
                limitPrice == null ? null : limitPrice.stripTrailingZeros(), clientOrderId);
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String field, String value, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value.toUpperCase(Locale.ROOT))) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        errors.add(new FieldError(field, "must be one of " + String.join(", ", names)));
        return null;
    }

    private static Listing.Spec listSpec() {
        return new Listing.SpecBuilder()
                .sort("createdAt", "created_at", Listing.Kind.TIMESTAMP)
                .sort("symbol", "symbol", Listing.Kind.TEXT)
                .sort("side", "side", Listing.Kind.TEXT)
                .sort("type", "type", Listing.Kind.TEXT)
                .sort("status", "status", Listing.Kind.TEXT)
                .sort("quantity", "quantity", Listing.Kind.DECIMAL)
                .equalTo("status", "status", OrderStatus.class)
                .equalTo("symbol", "symbol", null)
                .equalTo("side", "side", Side.class)
                .equalTo("type", "type", OrderType.class)
                .createdBetween()
                .build("-createdAt");
    }
}
