package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.gateway.web.HostilePaths;
import com.nextleveltraders.gateway.web.StaticFiles;
import com.nextleveltraders.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations dashboard on the loopback admin port, through a real gateway: its page and assets with
 * the public port's headers, the operator's login by cookie with its Origin check and expiry, and the
 * launcher's fleet file; and none of it on the public port.
 */
class GatewayOperationsTest {

    private static final String INDEX = "<!doctype html><title>NextLevel Traders</title>";
    private static final String OPS = "<!doctype html><title>Operations</title>"
            + "<script type=\"module\" src=\"/assets/ops-4f5e.js\"></script>";
    private static final String IMMUTABLE_FOR_A_YEAR = "public, max-age=31536000, s-maxage=31536000, immutable";
    private static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1 as a browser speaks it to a plain-HTTP port (no h2c upgrade).
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static Path fleetFile;
    private static byte[] scriptBrotli;
    private static MutableClock clock;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        Path webRoot = Files.createDirectories(dir.resolve("dist"));
        Path assets = Files.createDirectories(webRoot.resolve("assets"));
        Files.writeString(webRoot.resolve("index.html"), INDEX);
        Files.writeString(webRoot.resolve("ops.html"), OPS);
        Files.writeString(webRoot.resolve("manifest.json"), "{\"files\":[]}");
        byte[] script = "export const fleet = [];\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        Brotli4jLoader.ensureAvailability();
        scriptBrotli = Encoder.compress(script);
        Files.write(assets.resolve("ops-4f5e.js"), script);
        Files.write(assets.resolve("ops-4f5e.js.br"), scriptBrotli);
        fleetFile = dir.resolve("run").resolve("fleet.json");
        clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
        gateway = GatewayServer.start(TestGateway.config("", "slowStart: 0s, webRoot: \"" + webRoot
                + "\", fleetFile: \"" + fleetFile + "\""), clock);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void opsIsTheDashboardsPageWithThePublicPortsHeaders() throws Exception {
        for (String path : List.of("/ops", "/ops/", "/ops?panel=fleet")) {
            HttpResponse<String> page = admin("GET", path, null, Map.of());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).isEqualTo(OPS);
            assertThat(header(page, "content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(header(page, "cache-control")).isEqualTo("no-cache");
            assertThat(header(page, "content-security-policy")).isEqualTo(StaticFiles.CONTENT_SECURITY_POLICY);
            assertThat(header(page, "x-content-type-options")).isEqualTo("nosniff");
            assertThat(header(page, "referrer-policy")).isEqualTo("no-referrer");
            assertThat(page.headers().firstValue("strict-transport-security")).as("plain HTTP on loopback").isEmpty();
        }
        String tag = header(admin("GET", "/ops", null, Map.of()), "etag");
        HttpResponse<String> unchanged = admin("GET", "/ops", null, Map.of("if-none-match", tag));
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        HttpResponse<String> post = admin("POST", "/ops", "x", Map.of("content-type", "text/plain"));
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void theHashedAssetsAreServedOnTheAdminPortAsOnThePublicOne() throws Exception {
        HttpResponse<byte[]> asset = CLIENT.send(HttpRequest.newBuilder(adminUri("/assets/ops-4f5e.js"))
                .header("accept-encoding", "gzip, br").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.body()).isEqualTo(scriptBrotli);
        assertThat(header(asset, "content-encoding")).isEqualTo("br");
        assertThat(header(asset, "cache-control")).isEqualTo(IMMUTABLE_FOR_A_YEAR);
        assertThat(header(asset, "vary")).isEqualToIgnoringCase("accept-encoding");
        assertThat(header(asset, "content-type")).isEqualTo("text/javascript; charset=utf-8");

        HttpResponse<String> missing = admin("GET", "/assets/ops-0000.js", null, Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(header(missing, "content-type")).startsWith("application/problem+json");
    }

    @Test
    void noOtherFileOfTheBundleAndNoHostilePathIsServedOnTheAdminPort() throws Exception {
        List<String> paths = new ArrayList<>(HostilePaths.ALL);
        paths.addAll(List.of("/", "/index.html", "/portfolio", "/ops.html", "/ops/x", "/assets/../ops.html",
                "/assets/%2e%2e/manifest.json", "/assets/..%2Fadmin/backends", "/assets/../admin/backends"));
        for (String path : paths) {
            String answer = RawHttp.get(gateway.adminPort(), path);
            assertThat(answer).as(path).matches("(?s)HTTP/1\\.1 (400|401|404) .*")
                    .doesNotContain(INDEX).doesNotContain("\"backends\"");
        }
    }

    @Test
    void thePublicPortNeverServesTheDashboardNorItsSession() throws Exception {
        HttpResponse<String> ops = CLIENT.send(HttpRequest.newBuilder(publicUri("/ops")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ops.statusCode()).as("a route of the trader app").isEqualTo(200);
        assertThat(ops.body()).isEqualTo(INDEX);
        assertThat(CLIENT.send(HttpRequest.newBuilder(publicUri("/ops.html")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        HttpResponse<String> login = CLIENT.send(HttpRequest.newBuilder(publicUri("/admin/session"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(tokenBody(TestGateway.ADMIN_TOKEN))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(404);
        assertThat(login.headers().allValues("set-cookie")).isEmpty();
    }

    @Test
    void aLoginSetsASessionCookieThatAuthorizesTheAdminRoutesUntilLogout() throws Exception {
        Files.createDirectories(fleetFile.getParent());
        Files.writeString(fleetFile, "{\"instances\":[]}");
        HttpResponse<String> login = login(TestGateway.ADMIN_TOKEN, ownOrigin());
        assertThat(login.statusCode()).isEqualTo(204);
        assertThat(header(login, "cache-control")).isEqualTo("no-store");
        String setCookie = header(login, "set-cookie");
        Map<String, String> attributes = attributes(setCookie);
        String id = attributes.get("nlt_admin");
        assertThat(id).as("256 random bits, never the token").matches("[A-Za-z0-9_-]{43}")
                .isNotEqualTo(TestGateway.ADMIN_TOKEN);
        assertThat(attributes).containsEntry("path", "/admin").containsEntry("samesite", "strict")
                .containsEntry("max-age", "43200").containsKey("httponly").containsKey("secure");
        String cookie = "nlt_admin=" + id;

        assertThat(admin("GET", "/admin/session", null, Map.of("cookie", cookie)).statusCode()).isEqualTo(204);
        HttpResponse<String> backends = admin("GET", "/admin/backends", null, Map.of("cookie", cookie));
        assertThat(backends.statusCode()).isEqualTo(200);
        assertThat(backends.body()).contains("\"backends\"");
        HttpResponse<String> fleet = admin("GET", "/admin/fleet", null, Map.of("cookie", cookie));
        assertThat(fleet.statusCode()).isEqualTo(200);
        assertThat(fleet.body()).isEqualTo("{\"instances\":[]}");
        assertThat(admin("GET", "/admin/backends", null, Map.of("cookie", "nlt_admin=" + "A".repeat(43)))
                .statusCode()).as("an id the gateway never gave").isEqualTo(401);

        HttpResponse<String> logout = admin("DELETE", "/admin/session", null,
                Map.of("cookie", cookie, "origin", ownOrigin()));
        assertThat(logout.statusCode()).isEqualTo(204);
        Map<String, String> cleared = attributes(header(logout, "set-cookie"));
        assertThat(cleared).containsEntry("nlt_admin", "").containsEntry("max-age", "0")
                .containsEntry("path", "/admin");
        assertThat(admin("GET", "/admin/session", null, Map.of("cookie", cookie)).statusCode()).isEqualTo(401);
        assertThat(admin("GET", "/admin/backends", null, Map.of("cookie", cookie)).statusCode()).isEqualTo(401);
        assertThat(admin("DELETE", "/admin/session", null, Map.of()).statusCode()).as("nothing to end: still 204")
                .isEqualTo(204);
    }

    @Test
    void aLoginFromAToolWithoutOriginWorksAndOneFromAnotherSiteIsRefused() throws Exception {
        assertThat(login(TestGateway.ADMIN_TOKEN, null).statusCode()).isEqualTo(204);
        assertThat(login(TestGateway.ADMIN_TOKEN, "http://localhost:" + gateway.adminPort()).statusCode())
                .as("Origin localhost while the Host is 127.0.0.1").isEqualTo(403);
        for (String origin : List.of("http://evil.example", "null", "https://127.0.0.1:" + gateway.adminPort(),
                "http://127.0.0.1:" + gateway.port())) {
            HttpResponse<String> refused = login(TestGateway.ADMIN_TOKEN, origin);
            assertThat(refused.statusCode()).as(origin).isEqualTo(403);
            assertThat(refused.body()).contains("/problems/origin-mismatch");
            assertThat(refused.headers().allValues("set-cookie")).isEmpty();
        }
        HttpResponse<String> byName = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + gateway.adminPort() + "/admin/session"))
                .header("content-type", "application/json").header("origin", "http://localhost:" + gateway.adminPort())
                .POST(HttpRequest.BodyPublishers.ofString(tokenBody(TestGateway.ADMIN_TOKEN))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byName.statusCode()).as("the dashboard opened as localhost").isEqualTo(204);
    }

    @Test
    void aWrongOrMissingTokenIsA401NamingTheTokenField() throws Exception {
        for (String body : List.of(tokenBody("wrong"), tokenBody(TestGateway.ADMIN_TOKEN + "x"), tokenBody(""),
                "{}", "{\"token\":null}")) {
            HttpResponse<String> refused = admin("POST", "/admin/session", body,
                    Map.of("content-type", "application/json"));
            assertThat(refused.statusCode()).as(body).isEqualTo(401);
            assertThat(header(refused, "content-type")).startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.path("errors").get(0).path("field").asText()).as(body).isEqualTo("token");
            assertThat(refused.body()).doesNotContain(TestGateway.ADMIN_TOKEN);
            assertThat(refused.headers().allValues("set-cookie")).isEmpty();
        }
    }

    @Test
    void hostileLoginBodiesAreProblemsNeverServerErrors() throws Exception {
        Map<String, Integer> bodies = Map.of(
                "not json", 400,
                "[\"" + TestGateway.ADMIN_TOKEN + "\"]", 400,
                "null", 400,
                "", 400,
                "{\"token\": 12345}", 400,
                "{\"token\": [\"" + TestGateway.ADMIN_TOKEN + "\"]}", 400,
                "{\"token\":\"a\",\"token\":\"b\"}", 400,
                "{\"token\":\"" + TestGateway.ADMIN_TOKEN + "\",\"admin\":true}", 400,
                "{\"token\":\"" + "x".repeat(10_000) + "\"}", 413);
        for (Map.Entry<String, Integer> body : bodies.entrySet()) {
            HttpResponse<String> refused = admin("POST", "/admin/session", body.getKey(),
                    Map.of("content-type", "application/json"));
            String what = body.getKey().length() > 40 ? body.getKey().substring(0, 40) : body.getKey();
            assertThat(refused.statusCode()).as(what).isEqualTo(body.getValue());
            assertThat(header(refused, "content-type")).as(what).startsWith("application/problem+json");
            assertThat(refused.headers().allValues("set-cookie")).as(what).isEmpty();
        }
        JsonNode wrongType = JSON.readTree(admin("POST", "/admin/session", "{\"token\": 12345}",
                Map.of("content-type", "application/json")).body());
        assertThat(wrongType.path("errors").get(0).path("field").asText()).isEqualTo("token");

        for (String type : List.of("text/plain", "application/x-www-form-urlencoded")) {
            HttpResponse<String> form = admin("POST", "/admin/session", tokenBody(TestGateway.ADMIN_TOKEN),
                    Map.of("content-type", type));
            assertThat(form.statusCode()).as(type).isEqualTo(415);
            assertThat(form.headers().allValues("set-cookie")).isEmpty();
        }
    }

    @Test
    void aStateChangingRequestByCookieNeedsThisPortsOriginAndOneByBearerDoesNot() throws Exception {
        String cookie = sessionCookie();
        gateway.addBackend("x1", "127.0.0.1", 9, "fra1");
        for (Map<String, String> headers : List.of(Map.of("cookie", cookie),
                Map.of("cookie", cookie, "origin", "http://evil.example"),
                Map.of("cookie", cookie, "origin", "http://localhost:" + gateway.adminPort()),
                Map.of("cookie", cookie, "origin", "null"))) {
            HttpResponse<String> refused = admin("DELETE", "/admin/backends/x1", null, headers);
            assertThat(refused.statusCode()).as(headers.toString()).isEqualTo(403);
            assertThat(refused.body()).contains("/problems/origin-mismatch");
        }
        HttpResponse<String> put = admin("PUT", "/admin/backends/x2",
                "{\"host\":\"127.0.0.1\",\"port\":9,\"region\":\"fra1\"}",
                Map.of("cookie", cookie, "content-type", "application/json"));
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(gateway.backends()).extracting(GatewayServer.BackendView::id).contains("x1").doesNotContain("x2");

        HttpResponse<String> drained = admin("DELETE", "/admin/backends/x1", null,
                Map.of("cookie", cookie, "origin", ownOrigin()));
        assertThat(drained.statusCode()).isEqualTo(200);
        assertThat(drained.body()).contains("\"drained\":true");
        gateway.addBackend("x3", "127.0.0.1", 9, "fra1");
        HttpResponse<String> byBearer = admin("DELETE", "/admin/backends/x3", null,
                Map.of("authorization", "Bearer " + TestGateway.ADMIN_TOKEN, "origin", "http://evil.example"));
        assertThat(byBearer.statusCode()).as("a bearer token is no ambient credential").isEqualTo(200);
        assertThat(admin("DELETE", "/admin/backends/x3", null,
                Map.of("authorization", "Bearer wrong", "cookie", cookie, "origin", ownOrigin())).statusCode())
                .as("a wrong bearer token is not rescued by the cookie").isEqualTo(401);
    }

    @Test
    void aSessionExpiresAfterTwelveHoursOfTheGatewaysClock() throws Exception {
        String cookie = sessionCookie();
        clock.advance(Duration.ofHours(12).minusSeconds(1));
        assertThat(admin("GET", "/admin/session", null, Map.of("cookie", cookie)).statusCode()).isEqualTo(204);
        clock.advance(Duration.ofSeconds(1));
        assertThat(admin("GET", "/admin/session", null, Map.of("cookie", cookie)).statusCode()).isEqualTo(401);
        assertThat(admin("GET", "/admin/backends", null, Map.of("cookie", cookie)).statusCode()).isEqualTo(401);
    }

    @Test
    void theFleetIsTheLaunchersFileAsItIsAnd503UntilItIsWritten() throws Exception {
        Files.deleteIfExists(fleetFile);
        Map<String, String> bearer = Map.of("authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        assertThat(admin("GET", "/admin/fleet", null, Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> notYet = admin("GET", "/admin/fleet", null, bearer);
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).contains("/problems/no-launcher", "the launcher has not written the fleet yet");

        String fleet = "{\"updatedAt\":\"2026-03-02T09:00:00Z\",\"launcherPid\":4242,\"instances\":"
                + "[{\"id\":\"fra1-1\",\"state\":\"UP\",\"cpu\":null}]}";
        Files.createDirectories(fleetFile.getParent());
        Files.writeString(fleetFile, fleet);
        HttpResponse<String> served = admin("GET", "/admin/fleet", null, bearer);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(fleet);
        assertThat(header(served, "content-type")).startsWith("application/json");
        assertThat(header(served, "cache-control")).isEqualTo("no-store");
    }

    @Test
    void withoutAWebRootOrALauncherTheDashboardSaysWhatIsMissing() throws Exception {
        try (GatewayServer bare = TestGateway.start("", "slowStart: 0s")) {
            for (String path : List.of("/ops", "/assets/ops-4f5e.js")) {
                HttpResponse<String> page = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + bare.adminPort() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).as(path).isEqualTo(404);
                assertThat(header(page, "content-type")).startsWith("application/problem+json");
                assertThat(page.body()).contains("/problems/web-app-not-built", "the web app is not built");
            }
            HttpResponse<String> fleet = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + bare.adminPort() + "/admin/fleet"))
                    .header("authorization", "Bearer " + TestGateway.ADMIN_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fleet.statusCode()).isEqualTo(503);
            assertThat(fleet.body()).contains("/problems/no-launcher", "no launcher runs beside this gateway");
        }
    }

    private static String sessionCookie() throws Exception {
        HttpResponse<String> login = login(TestGateway.ADMIN_TOKEN, ownOrigin());
        assertThat(login.statusCode()).isEqualTo(204);
        return "nlt_admin=" + attributes(header(login, "set-cookie")).get("nlt_admin");
    }

    private static HttpResponse<String> login(String token, String origin) throws Exception {
        Map<String, String> headers = origin == null ? Map.of("content-type", "application/json")
                : Map.of("content-type", "application/json", "origin", origin);
        return admin("POST", "/admin/session", tokenBody(token), headers);
    }

    private static String tokenBody(String token) {
        return "{\"token\":\"" + token + "\"}";
    }

    private static String ownOrigin() {
        return "http://127.0.0.1:" + gateway.adminPort();
    }

    private static HttpResponse<String> admin(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(adminUri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
    }

    private static URI publicUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** A Set-Cookie header's name and value, and its attributes with their names and values in lower case. */
    private static Map<String, String> attributes(String setCookie) {
        Map<String, String> attributes = new HashMap<>();
        String[] parts = setCookie.split(";");
        String[] cookie = parts[0].strip().split("=", 2);
        attributes.put(cookie[0], cookie[1]);
        for (int i = 1; i < parts.length; i++) {
            String[] attribute = parts[i].strip().toLowerCase(Locale.ROOT).split("=", 2);
            attributes.put(attribute[0], attribute.length > 1 ? attribute[1] : "");
        }
        return attributes;
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }
}
