package com.nextleveltraders.trading;

import static com.nextleveltraders.trading.Listing.CURSOR;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Keyset cursors: the last row's sort values and id, with the sort they belong to, as URL-safe
 * base64. A cursor is only ever parsed back into bound values, and one of another sort is refused.
 */
final class ListingCursors {

    private ListingCursors() {
    }

    /** The cursor that continues {@code query} after {@code row}. */
    static String encode(Listing.Query query, Listing.Cursor row) {
        StringBuilder text = new StringBuilder(query.sortText()).append('\n').append(row.id());
        for (Object value : row.values()) {
            text.append('\n').append(switch (value) {
                case OffsetDateTime t -> t.toInstant().toString();
                case BigDecimal d -> d.toPlainString();
                default -> value.toString();
            });
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The row a cursor continues after; a cursor of another sort, or none at all, is a 400. */
    static Listing.Cursor decode(Listing.Query query, String encoded) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TradingException.badParameter(CURSOR, "is not a cursor from this list");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length != query.sort().size() + 2) {
            throw TradingException.badParameter(CURSOR, "is not a cursor from this list");
        }
        if (!lines[0].equals(query.sortText())) {
            throw TradingException.badParameter(CURSOR, "belongs to another sort order; repeat the sort of the first page");
        }
        UUID id;
        try {
            id = UUID.fromString(lines[1]);
        } catch (IllegalArgumentException e) {
            throw TradingException.badParameter(CURSOR, "is not a cursor from this list");
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < query.sort().size(); i++) {
            try {
                values.add(ListingValues.of(CURSOR, query.sort().get(i).field().kind(), lines[i + 2]));
            } catch (TradingException e) {
                throw TradingException.badParameter(CURSOR, "is not a cursor from this list");
            }
        }
        return new Listing.Cursor(values, id);
    }
}
