package com.nextleveltraders.trading;

import com.nextleveltraders.data.Database;
import com.nextleveltraders.data.Transactions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Values a user's cash and positions at the current quotes. */
public final class Portfolios {

    private final Database database;
    private final Market market;
    private final Clock clock;

    public Portfolios(Database database, Market market, Clock clock) {
        this.database = database;
        this.market = market;
        this.clock = clock;
    }

    public Portfolio of(UUID userId) {
        Instant now = clock.instant();
        record Account(String currency, BigDecimal cash, BigDecimal reserved, BigDecimal realized) {
        }
        record Row(String symbol, BigDecimal quantity, BigDecimal reserved, BigDecimal costBasis) {
        }
        record Snapshot(Account account, List<Row> rows) {
        }
        // Account and positions from one snapshot, so that they agree with each other.
        Snapshot snapshot = Transactions.inTransaction(database.shardFor(userId).replica(), connection -> {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Account account;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT currency, cash, reserved_cash, realized_pnl FROM accounts WHERE user_id = ?")) {
                select.setObject(1, userId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw TradingException.notFound("account");
                    }
                    account = new Account(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4));
                }
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT symbol, quantity, reserved_quantity, cost_basis FROM positions WHERE user_id = ? ORDER BY symbol")) {
                select.setObject(1, userId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4)));
                    }
                }
            }
            return new Snapshot(account, rows);
        });
        List<Portfolio.Holding> holdings = new ArrayList<>();
        BigDecimal marketValue = BigDecimal.ZERO.setScale(Money.CASH_SCALE);
        BigDecimal costBasis = BigDecimal.ZERO.setScale(Money.CASH_SCALE);
        for (Row row : snapshot.rows()) {
            BigDecimal last = market.quoteAt(row.symbol(), now).map(Quote::last).orElse(BigDecimal.ZERO);
            BigDecimal value = row.quantity().multiply(last).setScale(Money.CASH_SCALE, RoundingMode.HALF_EVEN);
            BigDecimal average = row.costBasis().divide(row.quantity(), Money.PRICE_SCALE, RoundingMode.HALF_EVEN);
            holdings.add(new Portfolio.Holding(row.symbol(), Money.quantity(row.quantity()),
                    Money.quantity(row.reserved()), Money.price(average), row.costBasis(), last, value,
                    value.subtract(row.costBasis())));
            marketValue = marketValue.add(value);
            costBasis = costBasis.add(row.costBasis());
        }
        Account account = snapshot.account();
        return new Portfolio(account.currency(), account.cash(), account.reserved(),
                account.cash().subtract(account.reserved()), holdings, marketValue, marketValue.subtract(costBasis),
                account.realized(), account.cash().add(marketValue), now);
    }
}
