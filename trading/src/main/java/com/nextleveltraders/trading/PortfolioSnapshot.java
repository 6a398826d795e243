package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** What the database knows of a user's portfolio: cash and positions, before valuation at quotes. */
record PortfolioSnapshot(String currency, BigDecimal cash, BigDecimal reservedCash, BigDecimal realizedPnl,
        List<Row> rows) {

    record Row(String symbol, BigDecimal quantity, BigDecimal reservedQuantity, BigDecimal costBasis) {
    }

    PortfolioSnapshot {
        rows = List.copyOf(rows);
    }

    /** One line for the account, one per position; fields are symbols, currency codes and plain decimals. */
    String encode() {
        StringBuilder text = new StringBuilder()
                .append(currency).append(' ').append(cash.toPlainString()).append(' ')
                .append(reservedCash.toPlainString()).append(' ').append(realizedPnl.toPlainString());
        for (Row row : rows) {
            text.append('\n').append(row.symbol()).append(' ').append(row.quantity().toPlainString()).append(' ')
                    .append(row.reservedQuantity().toPlainString()).append(' ').append(row.costBasis().toPlainString());
        }
        return text.toString();
    }

    static PortfolioSnapshot decode(String text) {
        String[] lines = text.split("\n");
        String[] account = lines[0].split(" ");
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] row = lines[i].split(" ");
            rows.add(new Row(row[0], new BigDecimal(row[1]), new BigDecimal(row[2]), new BigDecimal(row[3])));
        }
        return new PortfolioSnapshot(account[0], new BigDecimal(account[1]), new BigDecimal(account[2]),
                new BigDecimal(account[3]), rows);
    }
}
