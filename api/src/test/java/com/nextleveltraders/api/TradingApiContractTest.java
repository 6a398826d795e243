package com.nextleveltraders.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nextleveltraders.api.ApiClient.Response;
import com.nextleveltraders.api.ApiClient.Trader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API contract, route by route, against real PostgreSQL and Redis. */
class TradingApiContractTest {

    static TestPlatform platform;
    static ApiClient api;

    @BeforeAll
    static void start() {
        platform = TestPlatform.get();
        api = platform.client;
    }

    @Test
    void registrationCreatesAnAccountWithStartingCashAndNeverReturnsThePassword() {
        String email = "New.User+" + UUID.randomUUID() + "@Example.com";
        Response created = api.post("/api/users", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + ApiClient.PASSWORD + "\",\"displayName\":\"Ada\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text()).doesNotContain(ApiClient.PASSWORD).doesNotContain("argon2");
        assertThat(created.json().get("email").asText()).isEqualTo(email.toLowerCase(java.util.Locale.ROOT));

        Response again = api.post("/api/users", null,
                "{\"email\":\"" + email.toUpperCase(java.util.Locale.ROOT) + "\",\"password\":\"" + ApiClient.PASSWORD + "\",\"displayName\":\"Ada\"}");
        assertProblem(again, 409, null);

        Response login = api.post("/api/sessions", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + ApiClient.PASSWORD + "\"}");
        assertThat(login.status()).isEqualTo(201);
        assertThat(login.json().get("expiresAt").asText()).isNotEmpty();
        String token = login.json().get("token").asText();
        JsonNode portfolio = api.get("/api/portfolio", token).json();
        assertThat(new BigDecimal(portfolio.get("cash").asText())).isEqualByComparingTo("100000.00");
        assertThat(portfolio.get("currency").asText()).isEqualTo("USD");
    }

    @Test
    void registrationRefusesBadEmailAndShortPasswordNamingTheField() {
        assertProblem(api.post("/api/users", null,
                "{\"email\":\"not-an-email\",\"password\":\"" + ApiClient.PASSWORD + "\",\"displayName\":\"X\"}"), 422, "email");
        assertProblem(api.post("/api/users", null,
                "{\"email\":\"short-" + UUID.randomUUID() + "@example.com\",\"password\":\"elevenchars\",\"displayName\":\"X\"}"),
                422, "password");
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
        Trader trader = api.newTrader();
        Response wrongPassword = api.post("/api/sessions", null,
                "{\"email\":\"" + trader.email() + "\",\"password\":\"not the password!\"}");
        Response unknownEmail = api.post("/api/sessions", null,
                "{\"email\":\"nobody-" + UUID.randomUUID() + "@example.com\",\"password\":\"not the password!\"}");
        assertProblem(wrongPassword, 401, null);
        assertProblem(unknownEmail, 401, null);
        assertThat(wrongPassword.text()).isEqualTo(unknownEmail.text());
    }

    @Test
    void userRoutesNeedAValidTokenAndLogoutEndsTheSession() {
        for (String path : List.of("/api/portfolio", "/api/orders", "/api/trades")) {
            assertProblem(api.get(path, null), 401, null);
            assertProblem(api.get(path, "forged-token"), 401, null);
        }
        assertProblem(api.post("/api/orders", null, "{}"), 401, null);
        Trader trader = api.newTrader();
        Trader other = api.newTrader();
        // A token names its user, but only the whole token, as stored, authenticates: another
        // user's id in front of one's own secret, or a changed secret, is refused.
        String otherId = other.id().toString().replace("-", "");
        String secret = trader.token().substring(trader.token().indexOf('.'));
        assertThat(trader.token()).startsWith(trader.id().toString().replace("-", "") + ".");
        assertProblem(api.get("/api/portfolio", otherId + secret), 401, null);
        assertProblem(api.get("/api/portfolio", trader.token().substring(0, trader.token().length() - 1)
                + (trader.token().endsWith("A") ? "B" : "A")), 401, null);
        assertProblem(api.get("/api/portfolio", trader.token() + "A"), 401, null);
        assertThat(api.get("/api/portfolio", trader.token()).status()).isEqualTo(200);
        assertThat(api.delete("/api/sessions", trader.token()).status()).isEqualTo(204);
        assertProblem(api.get("/api/portfolio", trader.token()), 401, null);
        assertProblem(api.delete("/api/sessions", trader.token()), 401, null);
    }

    @Test
    void quotesListEverySymbolWithinTheConfiguredRangeAndUnknownSymbolIs404() {
        JsonNode quotes = api.get("/api/quotes", null).json().get("quotes");
        assertThat(quotes.size()).isEqualTo(platform.config.platform().market().symbols().size());
        for (JsonNode quote : quotes) {
            BigDecimal bid = new BigDecimal(quote.get("bid").asText());
            BigDecimal ask = new BigDecimal(quote.get("ask").asText());
            BigDecimal last = new BigDecimal(quote.get("last").asText());
            assertThat(bid).isLessThan(last);
            assertThat(ask).isGreaterThan(last);
            assertThat(last).isBetween(new BigDecimal("10"), new BigDecimal("1000"));
            assertThat(quote.get("at").asText()).isNotEmpty();
        }
        Response one = api.get("/api/quotes/AAPL", null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("symbol").asText()).isEqualTo("AAPL");
        assertProblem(api.get("/api/quotes/NOPE", null), 404, null);
    }

    @Test
    void marketBuyFillsAtTheAskAndSellFillsAtTheBid() {
        Trader trader = api.newTrader();
        BigDecimal ask = new BigDecimal(api.get("/api/quotes/MSFT", null).json().get("ask").asText());
        Response buy = api.order(trader, "{\"symbol\":\"MSFT\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"10\"}");
        assertThat(buy.status()).isEqualTo(201);
        JsonNode order = buy.json();
        assertThat(order.get("status").asText()).isEqualTo("FILLED");
        assertThat(new BigDecimal(order.get("filledQuantity").asText())).isEqualByComparingTo("10");
        assertThat(new BigDecimal(order.get("filledAvgPrice").asText())).isEqualByComparingTo(ask);
        assertThat(order.get("filledAt").isNull()).isFalse();
        for (String field : List.of("id", "clientOrderId", "symbol", "side", "type", "quantity", "limitPrice", "status",
                "filledQuantity", "filledAvgPrice", "createdAt", "filledAt")) {
            assertThat(order.has(field)).as(field).isTrue();
        }

        JsonNode portfolio = api.get("/api/portfolio", trader.token()).json();
        BigDecimal cost = ask.multiply(BigDecimal.TEN);
        assertThat(new BigDecimal(portfolio.get("cash").asText())).isEqualByComparingTo(new BigDecimal("100000.00").subtract(cost));
        JsonNode position = portfolio.get("positions").get(0);
        assertThat(position.get("symbol").asText()).isEqualTo("MSFT");
        assertThat(new BigDecimal(position.get("quantity").asText())).isEqualByComparingTo("10");
        assertThat(new BigDecimal(position.get("averageCost").asText())).isEqualByComparingTo(ask);

        Response trades = api.get("/api/trades", trader.token());
        assertThat(trades.json().get("items").size()).isEqualTo(1);

        Response tooMany = api.order(trader, "{\"symbol\":\"MSFT\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"10.5\"}");
        assertProblem(tooMany, 422, "quantity");
        Response sell = api.order(trader, "{\"symbol\":\"MSFT\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":10}");
        assertThat(sell.status()).isEqualTo(201);
        JsonNode after = api.get("/api/portfolio", trader.token()).json();
        assertThat(after.get("positions").size()).isZero();
        BigDecimal bid = new BigDecimal(sell.json().get("filledAvgPrice").asText());
        assertThat(new BigDecimal(after.get("realizedPnl").asText()))
                .isEqualByComparingTo(bid.subtract(ask).multiply(BigDecimal.TEN));
    }

    @Test
    void buyingBeyondCashOrSellingWithoutSharesIsRefused() {
        Trader trader = api.newTrader();
        assertProblem(api.order(trader, "{\"symbol\":\"NVDA\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1000000\"}"),
                422, "quantity");
        assertProblem(api.order(trader, "{\"symbol\":\"NVDA\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"1\"}"),
                422, "quantity");
        assertThat(api.get("/api/orders", trader.token()).json().get("items").size()).isZero();
    }

    @Test
    void orderFieldsAreValidatedNamingTheField() {
        Trader trader = api.newTrader();
        String[][] cases = {
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0\"}", "quantity"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"-1\"}", "quantity"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.123456789\"}", "quantity"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1000000.1\"}", "quantity"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":1e400}", "quantity"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":1e-400}", "quantity"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\"}", "limitPrice"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\",\"limitPrice\":\"-5\"}", "limitPrice"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\",\"limitPrice\":\"10.12345\"}", "limitPrice"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"limitPrice\":\"10\"}", "limitPrice"},
                {"{\"symbol\":\"ZZZZ\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}", "symbol"},
                {"{\"symbol\":\"AAPL\",\"side\":\"HOLD\",\"type\":\"MARKET\",\"quantity\":\"1\"}", "side"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"STOP\",\"quantity\":\"1\"}", "type"},
                {"{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\",\"clientOrderId\":\""
                        + "x".repeat(49) + "\"}", "clientOrderId"},
        };
        for (String[] bad : cases) {
            Response response = api.order(trader, bad[0]);
            assertThat(response.status()).as(bad[0]).isIn(400, 422);
            assertThat(response.text()).as(bad[0]).contains("\"" + bad[1]);
        }
        assertThat(api.get("/api/orders", trader.token()).json().get("items").size()).isZero();
    }

    @Test
    void limitOrderReservesCashUntilCancelledAndCancellingTwiceConflicts() {
        Trader trader = api.newTrader();
        Response placed = api.order(trader,
                "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"100\",\"limitPrice\":\"1.50\"}");
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.json().get("status").asText()).isEqualTo("OPEN");
        String id = placed.json().get("id").asText();
        JsonNode portfolio = api.get("/api/portfolio", trader.token()).json();
        assertThat(new BigDecimal(portfolio.get("reservedCash").asText())).isEqualByComparingTo("150.00");
        assertThat(new BigDecimal(portfolio.get("availableCash").asText())).isEqualByComparingTo("99850.00");

        Response cancelled = api.delete("/api/orders/" + id, trader.token());
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
        assertThat(new BigDecimal(api.get("/api/portfolio", trader.token()).json().get("reservedCash").asText()))
                .isEqualByComparingTo("0");
        assertProblem(api.delete("/api/orders/" + id, trader.token()), 409, null);
        assertThat(api.get("/api/orders/" + id, trader.token()).json().get("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void anotherUsersOrderIsNotFoundNeverForbidden() {
        Trader owner = api.newTrader();
        Trader other = api.newTrader();
        String id = api.order(owner, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\",\"limitPrice\":\"1\"}")
                .json().get("id").asText();
        assertProblem(api.get("/api/orders/" + id, other.token()), 404, null);
        assertProblem(api.delete("/api/orders/" + id, other.token()), 404, null);
        assertThat(api.get("/api/orders/" + id, owner.token()).json().get("status").asText()).isEqualTo("OPEN");
        assertThat(api.get("/api/orders", other.token()).json().get("items").size()).isZero();
        assertProblem(api.get("/api/orders/" + UUID.randomUUID(), owner.token()), 404, null);
    }

    @Test
    void clientOrderIdReplaysTheSameOrderAndRefusesADifferentBody() {
        Trader trader = api.newTrader();
        // Lone surrogates would be stored as '?', making different ids equal: they are refused.
        assertProblem(api.order(trader, "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\","
                + "\"clientOrderId\":\"x\\ud800\"}"), 422, "clientOrderId");
        String body = "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"2\",\"clientOrderId\":\"my-order-1\"}";
        Response first = api.order(trader, body);
        Response second = api.order(trader, body.replace("\"2\"", "2.000"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.header("idempotent-replayed")).isEqualTo("true");
        assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(first.json().get("clientOrderId").asText()).isEqualTo("my-order-1");
        assertProblem(api.order(trader, body.replace("\"2\"", "\"3\"")), 409, null);
        assertThat(api.get("/api/orders", trader.token()).json().get("items").size()).isEqualTo(1);
        assertThat(api.get("/api/trades", trader.token()).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void ordersListFiltersByStatusSymbolSideAndType() {
        Trader trader = api.newTrader();
        api.order(trader, "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}");
        api.order(trader, "{\"symbol\":\"KO\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"quantity\":\"1\",\"limitPrice\":\"1\"}");
        api.order(trader, "{\"symbol\":\"AAPL\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"1\"}");
        assertThat(api.get("/api/orders?status=OPEN", trader.token()).json().get("items").size()).isEqualTo(1);
        assertThat(api.get("/api/orders?symbol=AAPL", trader.token()).json().get("items").size()).isEqualTo(2);
        assertThat(api.get("/api/orders?symbol=AAPL&side=SELL", trader.token()).json().get("items").size()).isEqualTo(1);
        assertThat(api.get("/api/orders?type=LIMIT&status=OPEN", trader.token()).json().get("items").size()).isEqualTo(1);
        assertProblem(api.get("/api/orders?status=SOMETIMES", trader.token()), 400, "status");
    }

    @Test
    void tradesPageNewestFirstWithCursorsUntilTheLastPage() {
        Trader trader = api.newTrader();
        for (int i = 0; i < 7; i++) {
            assertThat(api.order(trader, "{\"symbol\":\"PEP\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}")
                    .status()).isEqualTo(201);
            platform.clock.advance(java.time.Duration.ofMillis(3));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        String previousCreatedAt = null;
        int pages = 0;
        do {
            Response page = api.get("/api/trades?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), trader.token());
            assertThat(page.status()).isEqualTo(200);
            for (JsonNode trade : page.json().get("items")) {
                seen.add(trade.get("id").asText());
                String createdAt = trade.get("createdAt").asText();
                if (previousCreatedAt != null) {
                    assertThat(java.time.Instant.parse(createdAt)).isBeforeOrEqualTo(java.time.Instant.parse(previousCreatedAt));
                }
                previousCreatedAt = createdAt;
            }
            cursor = page.json().has("nextCursor") ? page.json().get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7);
        Set<String> unique = new HashSet<>(seen);
        assertThat(unique).hasSize(7);

        Response ascending = api.get("/api/trades?sort=createdAt&limit=100", trader.token());
        assertThat(ascending.json().get("items").get(0).get("id").asText()).isEqualTo(seen.getLast());
    }

    @Test
    void listParametersOutsideTheLimitsAre400NamingTheParameter() {
        Trader trader = api.newTrader();
        assertProblem(api.get("/api/trades?limit=101", trader.token()), 400, "limit");
        assertProblem(api.get("/api/trades?limit=0", trader.token()), 400, "limit");
        assertProblem(api.get("/api/trades?limit=abc", trader.token()), 400, "limit");
        assertProblem(api.get("/api/trades?sort=createdAt,symbol,side,quantity", trader.token()), 400, "sort");
        assertProblem(api.get("/api/trades?sort=password_hash", trader.token()), 400, "sort");
        assertProblem(api.get("/api/trades?sort=created_at;DROP%20TABLE%20trades", trader.token()), 400, "sort");
        assertProblem(api.get("/api/trades?cursor=bm9wZQ", trader.token()), 400, "cursor");
        assertProblem(api.get("/api/trades?from=yesterday", trader.token()), 400, "from");
        assertProblem(api.get("/api/trades?bogus=1", trader.token()), 400, "bogus");
        assertProblem(api.get("/api/trades?symbol=A&side=BUY&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"
                + "&minQuantity=0&maxQuantity=5", trader.token()), 400, null);
        assertThat(api.get("/api/trades?symbol=A&side=BUY&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"
                + "&minQuantity=0", trader.token()).status()).isEqualTo(200);
        assertProblem(api.get("/api/orders?limit=1000", trader.token()), 400, "limit");
        // Zero written with an absurd scale is still zero, not a server error.
        assertThat(api.get("/api/trades?maxQuantity=0E-999999999", trader.token()).status()).isEqualTo(200);
    }

    @Test
    void healthAndMetricsAnswer() {
        Response health = api.get("/api/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().get("postgres").asText()).isEqualTo("UP");
        assertThat(health.json().get("redis").asText()).isEqualTo("UP");
        JsonNode node = health.json().get("redisNodes").get(0);
        assertThat(node.get("address").asText()).isEqualTo("127.0.0.1:" + platform.redis.port());
        assertThat(node.get("role").asText()).isEqualTo("master");
        assertThat(node.get("up").asBoolean()).isTrue();
        Response metrics = api.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text())
                .contains("http_server_requests_seconds_bucket")
                .contains("le=\"0.5\"")
                .contains("le=\"1.0\"")
                .contains("process_cpu_usage")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void sharedDataIsCacheablePublicUserDataPrivateAndEtagsAnswer304() {
        Response quotes = api.get("/api/quotes/AAPL", null);
        assertThat(quotes.header("cache-control")).isEqualTo("public, max-age=300, s-maxage=60");
        String etag = quotes.header("etag");
        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        Response again = api.send("GET", "/api/quotes/AAPL", null, null, null, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.text()).isEmpty();
        assertThat(again.header("etag")).isEqualTo(etag);

        Trader trader = api.newTrader();
        Response portfolio = api.get("/api/portfolio", trader.token());
        assertThat(portfolio.header("cache-control")).isEqualTo("private, no-cache");
        assertThat(portfolio.header("vary")).contains("Authorization");
        Response unchanged = api.send("GET", "/api/portfolio", trader.token(), null, null, "If-None-Match",
                "\"other\", " + portfolio.header("etag"));
        assertThat(unchanged.status()).isEqualTo(304);
        // The user's own order changes the portfolio: the old ETag no longer matches.
        api.order(trader, "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"1\"}");
        Response changed = api.send("GET", "/api/portfolio", trader.token(), null, null, "If-None-Match",
                portfolio.header("etag"));
        assertThat(changed.status()).isEqualTo(200);

        Response write = api.order(trader, "{\"symbol\":\"AAPL\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"1\"}");
        assertThat(write.header("cache-control")).isEqualTo("no-store");
        assertThat(write.header("etag")).isNull();
        assertThat(api.get("/api/orders/" + UUID.randomUUID(), trader.token()).header("cache-control")).isEqualTo("no-store");
    }

    static void assertProblem(Response response, int status, String field) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode body = response.json();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("type").asText()).isNotEmpty();
        assertThat(body.get("title").asText()).isNotEmpty();
        assertThat(body.get("detail").asText()).isNotEmpty();
        if (field != null) {
            assertThat(body.get("errors")).as(response.text()).isNotNull();
            List<String> fields = new ArrayList<>();
            body.get("errors").forEach(error -> fields.add(error.get("field").asText()));
            assertThat(fields).as(response.text()).contains(field);
        }
    }
}
