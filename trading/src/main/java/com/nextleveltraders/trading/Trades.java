package com.nextleveltraders.trading;

import com.nextleveltraders.config.QueryPatterns;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Transactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A user's trade history, newest first by default, through the index {@code trades(user_id, created_at)}. */
public final class Trades {

    static final String SELECT = "SELECT id, order_id, symbol, side, quantity, price, notional, created_at "
            + "FROM trades WHERE user_id = ?";
    static final Listing.Spec LIST_SPEC = listSpec();

    private final Database database;
    private final Listing listing;

    public Trades(Database database, QueryPatterns patterns) {
        this.database = database;
        this.listing = new Listing(patterns);
    }

    /** Filters symbol, side, from, to, minQuantity, maxQuantity; sort; keyset pages. */
    public Page<Trade> list(UUID userId, Map<String, List<String>> parameters) {
        Listing.Query query = listing.parse(LIST_SPEC, parameters);
        return database.read("list_trades", userId,
                connection -> listing.fetch(connection, LIST_SPEC, SELECT, List.of(userId), query, Trades::map));
    }

    private static Trade map(ResultSet rs) throws SQLException {
        return new Trade(rs.getObject("id", UUID.class), rs.getObject("order_id", UUID.class), rs.getString("symbol"),
                Side.valueOf(rs.getString("side")), Money.quantity(rs.getBigDecimal("quantity")),
                Money.price(rs.getBigDecimal("price")), rs.getBigDecimal("notional"), rs.getTimestamp("created_at").toInstant());
    }

    private static Listing.Spec listSpec() {
        return new Listing.SpecBuilder()
                .sort("createdAt", "created_at", Listing.Kind.TIMESTAMP)
                .sort("symbol", "symbol", Listing.Kind.TEXT)
                .sort("side", "side", Listing.Kind.TEXT)
                .sort("quantity", "quantity", Listing.Kind.DECIMAL)
                .sort("price", "price", Listing.Kind.DECIMAL)
                .equalTo("symbol", "symbol", null)
                .equalTo("side", "side", Side.class)
                .createdBetween()
                .decimalRange("minQuantity", "maxQuantity", "quantity")
                .build("-createdAt");
    }
}
