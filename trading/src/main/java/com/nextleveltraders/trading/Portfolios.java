package com.nextleveltraders.trading;

import com.nextleveltraders.data.Database;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/** Values a user's cash and positions at the current quotes. */
public final class Portfolios {

    private final Database database;
    private final MarketSimulator market;
    private final Clock clock;
    private final PortfolioCache cache;

    public Portfolios(Database database, MarketSimulator market, Clock clock, PortfolioCache cache) {
        this.database = database;
        this.market = market;
        this.clock = clock;
        this.cache = cache;
    }

    /** The user's portfolio valued at the current quotes; cash and positions come through the cache. */
    public Portfolio of(UUID userId) {
        return of(userId, OptionalLong.empty());
    }

    /**
     * As {@link #of(UUID)}, given the generation of the user's cached data when this request's
     * session lookup has just read it ({@link com.nextleveltraders.cache.SessionStore#lookup}).
     */
    public Portfolio of(UUID userId, OptionalLong generation) {
        Instant now = clock.instant();
        PortfolioSnapshot snapshot = cache.get(userId, generation, () -> load(userId));
        // Valued as of the quotes' tick, so that the answer (and its ETag) stays the same within a tick.
        return value(snapshot, market.tickStart(now));
    }

    private PortfolioSnapshot load(UUID userId) {
        // Account and positions from one snapshot, so that they agree with each other.
        // From the primary: a snapshot is cached and shared, so it must not come from a replica behind.
        return database.readLatest("load_portfolio", userId, connection -> { // one REPEATABLE READ snapshot
            String currency;
            BigDecimal cash;
            BigDecimal reserved;
            BigDecimal realized;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT currency, cash, reserved_cash, realized_pnl FROM accounts WHERE user_id = ?")) {
                select.setObject(1, userId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw TradingException.notFound("account");
                    }
                    currency = rs.getString(1);
                    cash = rs.getBigDecimal(2);
                    reserved = rs.getBigDecimal(3);
                    realized = rs.getBigDecimal(4);
                }
            }
            List<PortfolioSnapshot.Row> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT symbol, quantity, reserved_quantity, cost_basis FROM positions WHERE user_id = ? ORDER BY symbol")) {
                select.setObject(1, userId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new PortfolioSnapshot.Row(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3),
                                rs.getBigDecimal(4)));
                    }
                }
            }
            return new PortfolioSnapshot(currency, cash, reserved, realized, rows);
        });
    }

    private Portfolio value(PortfolioSnapshot snapshot, Instant now) {
        List<Portfolio.Holding> holdings = new ArrayList<>();
        BigDecimal marketValue = BigDecimal.ZERO.setScale(Money.CASH_SCALE);
        BigDecimal costBasis = BigDecimal.ZERO.setScale(Money.CASH_SCALE);
        for (PortfolioSnapshot.Row row : snapshot.rows()) {
            BigDecimal last = market.quoteAt(row.symbol(), now).map(Quote::last).orElse(BigDecimal.ZERO);
            BigDecimal value = row.quantity().multiply(last).setScale(Money.CASH_SCALE, RoundingMode.HALF_EVEN);
            BigDecimal average = row.costBasis().divide(row.quantity(), Money.PRICE_SCALE, RoundingMode.HALF_EVEN);
            holdings.add(new Portfolio.Holding(row.symbol(), Money.quantity(row.quantity()),
                    Money.quantity(row.reservedQuantity()), Money.price(average), row.costBasis(), last, value,
                    value.subtract(row.costBasis())));
            marketValue = marketValue.add(value);
            costBasis = costBasis.add(row.costBasis());
        }
        return new Portfolio(snapshot.currency(), snapshot.cash(), snapshot.reservedCash(),
                snapshot.cash().subtract(snapshot.reservedCash()), holdings, marketValue, marketValue.subtract(costBasis),
                snapshot.realizedPnl(), snapshot.cash().add(marketValue), now);
    }
}
