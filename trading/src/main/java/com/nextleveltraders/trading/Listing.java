package com.nextleveltraders.trading;

import com.nextleveltraders.config.QueryPatterns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Query-string limits, sorting, filtering and keyset pagination for a user's list endpoints.
 *
 * <p>Only names from an allow-list ever become SQL: each sortable field and each filter maps to a
 * column written here; what the client sends is only ever bound as a parameter. The cursor carries
 * the last row's sort values and id, and names the sort it belongs to, so a cursor cannot be
 * replayed against another sort.
 */
final class Listing {

    enum Kind { TIMESTAMP, TEXT, DECIMAL }

    record Field(String name, String column, Kind kind) {
    }

    /** A filter parameter: {@code column op ?}, its value parsed as {@code kind}, limited to {@code allowed} if set. */
    record Filter(String parameter, String column, String operator, Kind kind, Set<String> allowed) {
    }

    record SortKey(Field field, boolean descending) {
        String text() {
            return (descending ? "-" : "") + field.name();
        }
    }

    record Condition(Filter filter, Object value) {
    }

    record Cursor(List<Object> values, UUID id) {
    }

    record Query(int limit, List<SortKey> sort, List<Condition> conditions, Cursor after) {
        String sortText() {
            List<String> parts = new ArrayList<>();
            for (SortKey key : sort) {
                parts.add(key.text());
            }
            return String.join(",", parts);
        }
    }

    /** Which fields sort and filter one table, with its id column for the tie-break. */
    record Spec(String idColumn, Map<String, Field> sortable, Map<String, Filter> filters, String defaultSort) {
    }

    /** Builds a {@link Spec}; names keep the order they are added in, which error messages list. */
    static final class SpecBuilder {
        private final Map<String, Field> sortable = new LinkedHashMap<>();
        private final Map<String, Filter> filters = new LinkedHashMap<>();

        SpecBuilder sort(String name, String column, Kind kind) {
            sortable.put(name, new Field(name, column, kind));
            return this;
        }

        /** {@code parameter=value}: one of an enum's names, or any text when {@code values} is null. */
        SpecBuilder equalTo(String parameter, String column, Class<? extends Enum<?>> values) {
            Set<String> allowed = null;
            if (values != null) {
                allowed = new LinkedHashSet<>();
                for (Enum<?> constant : values.getEnumConstants()) {
                    allowed.add(constant.name());
                }
            }
            filters.put(parameter, new Filter(parameter, column, "=", Kind.TEXT, allowed));
            return this;
        }

        /** {@code from} (inclusive) and {@code to} (exclusive) on the creation time. */
        SpecBuilder createdBetween() {
            filters.put("from", new Filter("from", "created_at", ">=", Kind.TIMESTAMP, null));
            filters.put("to", new Filter("to", "created_at", "<", Kind.TIMESTAMP, null));
            return this;
        }

        SpecBuilder decimalRange(String minParameter, String maxParameter, String column) {
            filters.put(minParameter, new Filter(minParameter, column, ">=", Kind.DECIMAL, null));
            filters.put(maxParameter, new Filter(maxParameter, column, "<=", Kind.DECIMAL, null));
            return this;
        }

        Spec build(String defaultSort) {
            return new Spec("id", Collections.unmodifiableMap(new LinkedHashMap<>(sortable)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(filters)), defaultSort);
        }
    }

    private static final String LIMIT = "limit";
    private static final String CURSOR = "cursor";
    private static final String SORT = "sort";
    private static final int MAX_CURSOR_LENGTH = 2048;
    private static final int MAX_PARAMETER_LENGTH = 256;
    // Filters compare with stored quantities and prices: numeric(20,8) holds 12 integer digits.
    private static final BigDecimal MAX_FILTER_DECIMAL = BigDecimal.TEN.pow(12);
    // Instants a filter or cursor may name: PostgreSQL's range is wider, but nothing here predates 1970.
    private static final Instant MIN_INSTANT = Instant.EPOCH;
    private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final int defaultLimit;
    private final int maxLimit;
    private final int maxSortFields;
    private final int maxConditions;

    Listing(QueryPatterns patterns) {
        this.defaultLimit = patterns.pagination().defaultLimit();
        this.maxLimit = patterns.pagination().maxLimit();
        this.maxSortFields = patterns.sorting().maxFields();
        this.maxConditions = patterns.filtering().maxConditions();
    }

    Query parse(Spec spec, Map<String, List<String>> parameters) {
        int limit = defaultLimit;
        String sortText = spec.defaultSort();
        String cursorText = null;
        List<Condition> conditions = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            List<String> values = parameter.getValue();
            if (values.size() != 1) {
                throw TradingException.badParameter(name, "must be given once");
            }
            String value = values.getFirst();
            if (value.length() > (name.equals(CURSOR) ? MAX_CURSOR_LENGTH : MAX_PARAMETER_LENGTH)) {
                throw TradingException.badParameter(name, "is too long");
            }
            switch (name) {
                case LIMIT -> limit = parseLimit(value);
                case SORT -> sortText = value;
                case CURSOR -> cursorText = value;
                default -> {
                    Filter filter = spec.filters().get(name);
                    if (filter == null) {
                        throw TradingException.badParameter(name, "unknown parameter; allowed: "
                                + String.join(", ", allowedParameters(spec)));
                    }
                    conditions.add(new Condition(filter, parseFilterValue(filter, value)));
                }
            }
        }
        if (conditions.size() > maxConditions) {
            throw TradingException.badParameter(conditions.get(maxConditions).filter().parameter(),
                    "at most " + maxConditions + " filter conditions at once");
        }
        List<SortKey> sort = parseSort(spec, sortText);
        Query query = new Query(limit, sort, conditions, null);
        Cursor after = cursorText == null ? null : decodeCursor(query, cursorText);
        return new Query(limit, sort, conditions, after);
    }

    /** Runs {@code select} (which ends in its WHERE clause scoped to the user) with the query's limits. */
    <T> Page<T> fetch(Connection connection, Spec spec, String select, List<Object> selectParameters, Query query,
            RowMapper<T> mapper) throws SQLException {
        StringBuilder sql = new StringBuilder(select);
        List<Object> parameters = new ArrayList<>(selectParameters);
        for (Condition condition : query.conditions()) {
            sql.append(" AND ").append(condition.filter().column()).append(' ')
                    .append(condition.filter().operator()).append(" ?");
            parameters.add(condition.value());
        }
        if (query.after() != null) {
            appendKeyset(sql, parameters, spec, query);
        }
        sql.append(" ORDER BY ");
        for (SortKey key : query.sort()) {
            sql.append(key.field().column()).append(key.descending() ? " DESC, " : " ASC, ");
        }
        sql.append(spec.idColumn()).append(tieBreakDescending(query) ? " DESC" : " ASC");
        sql.append(" LIMIT ?");
        parameters.add(query.limit() + 1);
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<T> items = new ArrayList<>();
            Cursor previousRow = null;
            String next = null;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (items.size() == query.limit()) {
                        next = encodeCursor(query, spec, previousRow);
                        break;
                    }
                    items.add(mapper.map(rs));
                    previousRow = rowKey(rs, spec, query);
                }
            }
            return new Page<>(items, next);
        }
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static Cursor rowKey(ResultSet rs, Spec spec, Query query) throws SQLException {
        List<Object> values = new ArrayList<>();
        for (SortKey key : query.sort()) {
            values.add(switch (key.field().kind()) {
                case TIMESTAMP -> rs.getObject(key.field().column(), OffsetDateTime.class);
                case TEXT -> rs.getString(key.field().column());
                case DECIMAL -> rs.getBigDecimal(key.field().column());
            });
        }
        return new Cursor(values, rs.getObject(spec.idColumn(), UUID.class));
    }

    private static boolean tieBreakDescending(Query query) {
        return query.sort().getFirst().descending();
    }

    /**
     * Rows strictly after the cursor in the query's order. When all keys run the same way this is a
     * row comparison, which PostgreSQL matches to an index; mixed directions need the expanded form
     * (a > x) OR (a = x AND b < y) OR ...
     */
    private static void appendKeyset(StringBuilder sql, List<Object> parameters, Spec spec, Query query) {
        List<String> columns = new ArrayList<>();
        List<Boolean> descending = new ArrayList<>();
        for (SortKey key : query.sort()) {
            columns.add(key.field().column());
            descending.add(key.descending());
        }
        columns.add(spec.idColumn());
        descending.add(tieBreakDescending(query));
        List<Object> values = new ArrayList<>(query.after().values());
        values.add(query.after().id());
        if (descending.stream().distinct().count() == 1) {
            sql.append(" AND (").append(String.join(", ", columns)).append(") ")
                    .append(descending.getFirst() ? "<" : ">").append(" (")
                    .append(String.join(", ", Collections.nCopies(columns.size(), "?"))).append(')');
            parameters.addAll(values);
            return;
        }
        sql.append(" AND (");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(columns.get(j)).append(" = ? AND ");
                parameters.add(values.get(j));
            }
            sql.append(columns.get(i)).append(descending.get(i) ? " < ?" : " > ?");
            parameters.add(values.get(i));
            sql.append(')');
        }
        sql.append(')');
    }

    private int parseLimit(String value) {
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > maxLimit) {
            throw TradingException.badParameter(LIMIT, "must be an integer from 1 to " + maxLimit);
        }
        return limit;
    }

    private List<SortKey> parseSort(Spec spec, String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > maxSortFields) {
            throw TradingException.badParameter(SORT, "at most " + maxSortFields + " fields");
        }
        List<SortKey> keys = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (String part : parts) {
            boolean descending = part.startsWith("-");
            String name = descending ? part.substring(1) : part;
            Field field = spec.sortable().get(name);
            if (field == null) {
                throw TradingException.badParameter(SORT, "cannot sort by '" + printable(name) + "'; allowed: "
                        + String.join(", ", spec.sortable().keySet()) + " (prefix - for descending)");
            }
            if (seen.put(name, descending) != null) {
                throw TradingException.badParameter(SORT, "field '" + name + "' given twice");
            }
            keys.add(new SortKey(field, descending));
        }
        return keys;
    }

    private static Object parseFilterValue(Filter filter, String value) {
        if (filter.allowed() != null) {
            String upper = value.toUpperCase(Locale.ROOT);
            if (!filter.allowed().contains(upper)) {
                throw TradingException.badParameter(filter.parameter(), "must be one of " + String.join(", ",
                        filter.allowed().stream().sorted().toList()));
            }
            return upper;
        }
        if (filter.kind() == Kind.TEXT) {
            return value.toUpperCase(Locale.ROOT); // symbols, written as users type them
        }
        return parseValue(filter.parameter(), filter.kind(), value);
    }

    private static Object parseValue(String parameter, Kind kind, String value) {
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

    private static String encodeCursor(Query query, Spec spec, Cursor row) {
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

    private static Cursor decodeCursor(Query query, String encoded) {
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
                values.add(parseValue(CURSOR, query.sort().get(i).field().kind(), lines[i + 2]));
            } catch (TradingException e) {
                throw TradingException.badParameter(CURSOR, "is not a cursor from this list");
            }
        }
        return new Cursor(values, id);
    }

    private static List<String> allowedParameters(Spec spec) {
        List<String> names = new ArrayList<>(List.of(LIMIT, CURSOR, SORT));
        names.addAll(spec.filters().keySet());
        return names;
    }

    private static String printable(String text) {
        return text.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? text : "?";
    }
}
