package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throws a corpus of hostile requests at every route: each must get a 4xx with a problem body, and
 * the database must be exactly as it was (row counts and the sum of all cash).
 */
class HostileInputTest {

    static TestPlatform platform;
    static ApiClient api;
    static Trader trader;
    static String orderId;

    record Attack(String method, String path, boolean authenticated, String contentType, byte[] body) {
        @Override
        public String toString() {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8);
            return method + " " + path + " " + contentType + " " + text;
        }
    }

    @BeforeAll
    static void start() {
        platform = TestPlatform.get();
        api = platform.client;
        trader = api.newTrader();
        orderId = api.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\",\"limitPrice\":\"1\"}")
                .json().get("id").asText();
    }

    static List<byte[]> hostileBodies() {
        List<String> texts = List.of(
                "", " ", "null", "true", "42", "\"text\"", "[]", "[{}]", "{", "}", "{\"a\":", "{'single':'quotes'}",
                "{\"email\": 1e400}", "{\"quantity\": 1e400}", "{\"quantity\": NaN}", "{\"quantity\": Infinity}",
                "{\"quantity\": \"1e999999999\"}", "{\"quantity\": [] }", "{\"quantity\": {} }", "{\"quantity\": true}",
                "{\"symbol\": 123}", "{\"symbol\": [\"AAPL\"]}", "{\"symbol\": {\"$ne\": null}}",
                "{\"symbol\": \"AAPL'; DROP TABLE orders; --\", \"side\": \"BUY\", \"type\": \"MARKET\", \"quantity\": \"1\"}",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"extra\":1}",
                "{\"symbol\":\"AAPL\",\"symbol\":\"MSFT\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"} trailing",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"99999999999999999999999999\"}",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0x10\"}",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"clientOrderId\":\"a\\u0000b\"}",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"clientOrderId\":\"x\\ud800\"}",
                "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"clientOrderId\":\"x\\u0085\"}",
                "{\"email\": \"x\\udc00@y.com\", \"password\": \"aaaaaaaaaaaa\", \"displayName\": \"x\"}",
                "{\"email\": \"" + "a".repeat(60_000) + "@x.com\", \"password\": \"aaaaaaaaaaaa\", \"displayName\": \"x\"}",
                "{\"email\": \"x@y.com\", \"password\": null, \"displayName\": \"x\"}",
                "{\"email\": \"x@y.com\", \"password\": \"aaaaaaaaaaaa\", \"displayName\": \"\\u0007bell\"}",
                "[".repeat(5000) + "]".repeat(5000),
                "{\"a\":".repeat(100) + "1" + "}".repeat(100),
                "\u0000\u0001\u0002");
        List<byte[]> bodies = new ArrayList<>();
        for (String text : texts) {
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}); // not UTF-8
        bodies.add(("{\"email\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8)); // over 64 KiB
        return bodies;
    }

    @Test
    void everyRouteAnswersHostileInputWith4xxProblemAndChangesNothing() throws Exception {
        List<Attack> attacks = new ArrayList<>();
        for (String path : List.of("/api/users", "/api/sessions", "/api/orders")) {
            for (byte[] body : hostileBodies()) {
                attacks.add(new Attack("POST", path, true, "application/json", body));
            }
            attacks.add(new Attack("POST", path, true, "text/plain", "{}".getBytes(StandardCharsets.UTF_8)));
            attacks.add(new Attack("POST", path, true, null, "{}".getBytes(StandardCharsets.UTF_8)));
        }
        for (String query : List.of("?limit=-1", "?limit=1e9", "?limit=99999999999999999999", "?sort=", "?sort=,",
                "?sort=-", "?sort=id", "?sort=createdAt,createdAt", "?cursor=%00", "?cursor=" + "A".repeat(5000),
                "?from=2026-13-45T99:99:99Z", "?minQuantity=NaN", "?minQuantity=1e99999", "?symbol=" + "S".repeat(300),
                "?side=both", "?limit=1&limit=2", "?%25ZZ=1", "?status='%20OR%201=1--",
                "?from=%2B1000000000-01-01T00:00:00Z", "?from=%2B300000-01-01T00:00:00Z", "?to=-5000-01-01T00:00:00Z",
                "?minQuantity=1E%2B2147483647", "?minQuantity=1e-999999999",
                "?cursor=LWNyZWF0ZWRBdAowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAKKzEwMDAwMDAwMDAtMDEtMDFUMDA6MDA6MDBa", "?cursor=LWNyZWF0ZWRBdAowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAKLTUwMDAtMDEtMDFUMDA6MDA6MDBa", "?sort=quantity&cursor=cXVhbnRpdHkKMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwCjFFKzIxNDc0ODM2NDc")) {
            attacks.add(new Attack("GET", "/api/trades" + query, true, null, null));
            attacks.add(new Attack("GET", "/api/orders" + query, true, null, null));
        }
        for (String path : List.of("/api/orders/not-a-uuid", "/api/orders/00000000-0000-0000-0000-000000000000",
                "/api/orders/" + orderId + "%27", "/api/quotes/" + "X".repeat(2000), "/api/quotes/%00",
                "/api/nothing-here", "/api/../etc/passwd")) {
            attacks.add(new Attack("GET", path, true, null, null));
            attacks.add(new Attack("DELETE", path, true, null, null));
        }
        attacks.add(new Attack("PUT", "/api/orders", true, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        attacks.add(new Attack("PATCH", "/api/portfolio", true, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        attacks.add(new Attack("DELETE", "/api/sessions", false, null, null));
        attacks.add(new Attack("GET", "/api/portfolio", false, null, null));

        Snapshot before = Snapshot.take(platform);
        for (Attack attack : attacks) {
            Response response = api.send(attack.method(), attack.path(), attack.authenticated() ? trader.token() : null,
                    attack.contentType(), attack.body());
            assertThat(response.status()).as(attack.toString()).isBetween(400, 499);
            assertThat(response.contentType()).as(attack.toString()).startsWith("application/problem+json");
            JsonNode problem = response.json();
            assertThat(problem.get("status").asInt()).as(attack.toString()).isEqualTo(response.status());
            assertThat(problem.get("type").asText()).as(attack.toString()).isNotEmpty();
            assertThat(problem.get("detail").asText()).as(attack.toString()).isNotEmpty();
        }
        assertThat(Snapshot.take(platform)).isEqualTo(before);
        assertThat(api.get("/api/orders/" + orderId, trader.token()).json().get("status").asText()).isEqualTo("OPEN");
    }

    /** What a hostile request could change: rows in every table and all cash. */
    record Snapshot(long users, long accounts, long orders, long trades, long positions, String cash, String reserved) {
        static Snapshot take(TestPlatform platform) throws Exception {
            try (Connection connection = platform.dataSource().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM accounts), "
                            + "(SELECT count(*) FROM orders), (SELECT count(*) FROM trades), (SELECT count(*) FROM positions), "
                            + "(SELECT sum(cash)::text FROM accounts), (SELECT sum(reserved_cash)::text FROM accounts)")) {
                rs.next();
                return new Snapshot(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7));
            }
        }
    }
}
