package com.nextleveltraders.trading;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Transactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A user's trade history, newest first by default, through the index {@code trades(user_id, created_at)}. */
public final class Trades {

    static final String SELECT = "SELECT id, order_id, symbol, side, quantity, price, notional, created_at "
            + "FROM trades WHERE user_id = ?";
    static final Listing.Spec LIST_SPEC = listSpec();

    private final Database database;
    private final Listing listing;

    public Trades(Database database, PlatformConfig config) {
        this.database = database;
        this.listing = new Listing(config);
    }

    /** Filters symbol, side, from, to, minQuantity, maxQuantity; sort; keyset pages. */
    public Page<Trade> list(UUID userId, Map<String, List<String>> parameters) {
        Listing.Query query = listing.parse(LIST_SPEC, parameters);
        return Transactions.read(database.shardFor(userId).replica(),
                connection -> listing.fetch(connection, LIST_SPEC, SELECT, List.of(userId), query, Trades::map));
    }

    private static Trade map(ResultSet rs) throws SQLException {
        return new Trade(rs.getObject("id", UUID.class), rs.getObject("order_id", UUID.class), rs.getString("symbol"),
                Side.valueOf(rs.getString("side")), Money.quantity(rs.getBigDecimal("quantity")),
                Money.price(rs.getBigDecimal("price")), rs.getBigDecimal("notional"), rs.getTimestamp("created_at").toInstant());
    }

    private static Listing.Spec listSpec() {
        Map<String, Listing.Field> sortable = new LinkedHashMap<>();
        sortable.put("createdAt", new Listing.Field("createdAt", "created_at", Listing.Kind.TIMESTAMP));
        sortable.put("symbol", new Listing.Field("symbol", "symbol", Listing.Kind.TEXT));
        sortable.put("side", new Listing.Field("side", "side", Listing.Kind.TEXT));
        sortable.put("quantity", new Listing.Field("quantity", "quantity", Listing.Kind.DECIMAL));
        sortable.put("price", new Listing.Field("price", "price", Listing.Kind.DECIMAL));
        Map<String, Listing.Filter> filters = new LinkedHashMap<>();
        filters.put("symbol", new Listing.Filter("symbol", "symbol", "=", Listing.Kind.TEXT, null));
        filters.put("side", new Listing.Filter("side", "side", "=", Listing.Kind.TEXT, Set.of("BUY", "SELL")));
        filters.put("from", new Listing.Filter("from", "created_at", ">=", Listing.Kind.TIMESTAMP, null));
        filters.put("to", new Listing.Filter("to", "created_at", "<", Listing.Kind.TIMESTAMP, null));
        filters.put("minQuantity", new Listing.Filter("minQuantity", "quantity", ">=", Listing.Kind.DECIMAL, null));
        filters.put("maxQuantity", new Listing.Filter("maxQuantity", "quantity", "<=", Listing.Kind.DECIMAL, null));
        return new Listing.Spec("id", Collections.unmodifiableMap(sortable), Collections.unmodifiableMap(filters),
                "-createdAt");
    }
}
