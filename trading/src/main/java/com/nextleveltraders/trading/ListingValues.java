package com.nextleveltraders.trading;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** A list's filter and cursor values, parsed from the query string and bounded before they reach SQL. */
final class ListingValues {

    // Filters compare with stored quantities and prices: numeric(20,8) holds 12 integer digits.
    private static final BigDecimal MAX_FILTER_DECIMAL = BigDecimal.TEN.pow(12);
    // Instants a filter or cursor may name: PostgreSQL's range is wider, but nothing here predates 1970.
    private static final Instant MIN_INSTANT = Instant.EPOCH;
    private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

    private ListingValues() {
    }

    /** A filter's value: one of its allowed names, a symbol in upper case, or a value of its kind. */
    static Object ofFilter(Listing.Filter filter, String value) {
        if (filter.allowed() != null) {
            String upper = value.toUpperCase(Locale.ROOT);
            if (!filter.allowed().contains(upper)) {
                throw TradingException.badParameter(filter.parameter(), "must be one of " + String.join(", ",
                        filter.allowed().stream().sorted().toList()));
            }
            return upper;
        }
        if (filter.kind() == Listing.Kind.TEXT) {
            return value.toUpperCase(Locale.ROOT); // symbols, written as users type them
        }
        return of(filter.parameter(), filter.kind(), value);
    }

    /** A value of {@code kind}, bound as a parameter; a bad one is a 400 naming {@code parameter}. */
    static Object of(String parameter, Listing.Kind kind, String value) {
        switch (kind) {
            case TIMESTAMP -> {
                Instant instant;
                try {
                    instant = Instant.parse(value);
                } catch (DateTimeParseException e) {
                    throw TradingException.badParameter(parameter, "must be an ISO-8601 instant such as 2026-01-31T09:30:00Z");
                }
                if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
                    throw TradingException.badParameter(parameter, "must be between " + MIN_INSTANT + " and " + MAX_INSTANT);
                }
                // Bound as OffsetDateTime: java.sql.Timestamp would shift old dates by the Julian calendar.
                return instant.atOffset(ZoneOffset.UTC);
            }
            case DECIMAL -> {
                BigDecimal number;
                try {
                    number = new BigDecimal(value);
                } catch (NumberFormatException e) {
                    throw TradingException.badParameter(parameter, "must be a decimal number");
                }
                // Bounded like stored quantities, so that nothing absurd reaches the database.
                if (number.signum() < 0 || number.compareTo(MAX_FILTER_DECIMAL) > 0
                        || Money.decimalPlaces(number) > Money.QUANTITY_SCALE) {
                    throw TradingException.badParameter(parameter, "must be a number from 0 to "
                            + MAX_FILTER_DECIMAL.toPlainString() + " with at most " + Money.QUANTITY_SCALE + " decimal places");
                }
                return number.setScale(Money.QUANTITY_SCALE, RoundingMode.UNNECESSARY);
            }
            case TEXT -> {
                return value;
            }
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
    }
}
