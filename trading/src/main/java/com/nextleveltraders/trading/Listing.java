package com.nextleveltraders.trading;

import com.nextleveltraders.config.QueryPatterns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
    static final String CURSOR = "cursor";
    private static final String SORT = "sort";
    private static final int MAX_CURSOR_LENGTH = 2048;
    private static final int MAX_PARAMETER_LENGTH = 256;

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
                    conditions.add(new Condition(filter, ListingValues.ofFilter(filter, value)));
                }
            }
        }
        if (conditions.size() > maxConditions) {
            throw TradingException.badParameter(conditions.get(maxConditions).filter().parameter(),
                    "at most " + maxConditions + " filter conditions at once");
        }
        List<SortKey> sort = parseSort(spec, sortText);
        Query query = new Query(limit, sort, conditions, null);
        Cursor after = cursorText == null ? null : ListingCursors.decode(query, cursorText);
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
                        next = ListingCursors.encode(query, previousRow);
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

    private static List<String> allowedParameters(Spec spec) {
        List<String> names = new ArrayList<>(List.of(LIMIT, CURSOR, SORT));
        names.addAll(spec.filters().keySet());
        return names;
    }

    private static String printable(String text) {
        return text.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? text : "?";
    }
}
