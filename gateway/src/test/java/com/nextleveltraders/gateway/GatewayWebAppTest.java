package com.nextleveltraders.gateway;

import static com.nextleveltraders.gateway.GatewayTlsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.nextleveltraders.gateway.web.HostilePaths;
import com.nextleveltraders.gateway.web.StaticFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built web app on the public port, beside the API: cache headers, codings, security headers, paths. */
class GatewayWebAppTest {

    private static final String SECRET = "TOP-SECRET-c0ffee";
    private static final String INDEX = "<!doctype html><html><head><title>NextLevel Traders</title>"
            + "<script type=\"module\" src=\"/assets/app-abc123.js\"></script></head><body><main id=\"app\"></main>"
            + "</body></html>";
    private static final String IMMUTABLE_FOR_A_YEAR = "public, max-age=31536000, s-maxage=31536000, immutable";

    @TempDir
    static Path dir;
    private static Path webRoot;
    private static byte[] script;
    private static byte[] scriptBrotli;
    private static byte[] scriptGzip;
    private static String style;
    private static TestBackend backend;
    private static GatewayServer gateway;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        webRoot = Files.createDirectories(dir.resolve("dist"));
        Path assets = Files.createDirectories(webRoot.resolve("assets"));
        Files.writeString(webRoot.resolve("index.html"), INDEX);
        script = "export const quotes = [];\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Brotli4jLoader.ensureAvailability();
        scriptBrotli = Encoder.compress(script);
        scriptGzip = gzip(script);
        Files.write(assets.resolve("app-abc123.js"), script);
        Files.write(assets.resolve("app-abc123.js.br"), scriptBrotli);
        Files.write(assets.resolve("app-abc123.js.gz"), scriptGzip);
        // Text well over the gateway's compression threshold, with no precompressed form beside it.
        style = "body { margin: 0; }\n".repeat(200);
        Files.writeString(assets.resolve("style-77aa.css"), style);
        Files.writeString(assets.resolve(".hidden.js"), SECRET);
        Files.writeString(webRoot.resolve("manifest.json"), "{\"files\":[]}");
        Files.writeString(webRoot.resolve("ops.html"), "<!doctype html><title>ops</title>");
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(assets.resolve("leak.js"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(assets.resolve("out"), dir);

        backend = new TestBackend("b1");
        gateway = TestGateway.start("", "slowStart: 0s, webRoot: \"" + webRoot + "\"");
        gateway.addBackend("b1", "127.0.0.1", backend.port(), "fra1");
        await(() -> gateway.backends().getFirst().state() == HealthTracker.State.UP);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void aHashedAssetIsImmutableForTheStaticTtlsAndItsBrotliBytesAreSentForBr() throws Exception {
        HttpResponse<byte[]> answer = get("/assets/app-abc123.js", "br");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(header(answer, "cache-control")).isEqualTo(IMMUTABLE_FOR_A_YEAR);
        assertThat(header(answer, "content-encoding")).isEqualTo("br");
        assertThat(header(answer, "vary")).isEqualToIgnoringCase("accept-encoding");
        assertThat(header(answer, "content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(header(answer, "x-content-type-options")).isEqualTo("nosniff");
        assertThat(header(answer, "etag")).matches("\"[A-Za-z0-9_-]+\\.br\"");
        assertThat(answer.body()).as("the build's bytes, not compressed again").isEqualTo(scriptBrotli);
        assertThat(Decoder.decompress(answer.body()).getDecompressedData()).isEqualTo(script);
    }

    @Test
    void gzipIsSentForGzipAndTheFileAsItIsOtherwiseAlwaysVaryingOnAcceptEncoding() throws Exception {
        HttpResponse<byte[]> gzip = get("/assets/app-abc123.js", "gzip, deflate");
        assertThat(header(gzip, "content-encoding")).isEqualTo("gzip");
        assertThat(gzip.body()).isEqualTo(scriptGzip);
        assertThat(get("/assets/app-abc123.js", "br;q=0, gzip").body()).isEqualTo(scriptGzip);

        for (String acceptEncoding : new String[] {null, "identity", "deflate", "br;q=0, gzip;q=0"}) {
            HttpResponse<byte[]> plain = get("/assets/app-abc123.js", acceptEncoding);
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.headers().firstValue("content-encoding")).as(acceptEncoding).isEmpty();
            assertThat(plain.body()).as(acceptEncoding).isEqualTo(script);
            assertThat(header(plain, "vary")).isEqualToIgnoringCase("accept-encoding");
            assertThat(header(plain, "cache-control")).isEqualTo(IMMUTABLE_FOR_A_YEAR);
        }
        assertThat(header(gzip, "etag")).as("each coding is a representation of its own")
                .isNotEqualTo(header(get("/assets/app-abc123.js", null), "etag"));
    }

    @Test
    void aFileWithoutPrecompressedFormsIsNeverCompressedAtRequestTime() throws Exception {
        HttpResponse<byte[]> answer = get("/assets/style-77aa.css", "br, gzip");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-encoding")).isEmpty();
        assertThat(answer.headers().firstValue("vary")).isEmpty();
        assertThat(header(answer, "content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(style);
    }

    @Test
    void anAssetAnswers304ToItsOwnTagOnly() throws Exception {
        String tag = header(get("/assets/app-abc123.js", "br"), "etag");
        HttpResponse<byte[]> same = send(request("/assets/app-abc123.js", "br").header("if-none-match", tag));
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(header(same, "etag")).isEqualTo(tag);
        assertThat(header(same, "cache-control")).isEqualTo(IMMUTABLE_FOR_A_YEAR);
        HttpResponse<byte[]> otherCoding = send(request("/assets/app-abc123.js", "gzip").header("if-none-match", tag));
        assertThat(otherCoding.statusCode()).isEqualTo(200);
        assertThat(otherCoding.body()).isEqualTo(scriptGzip);
    }

    @Test
    void indexHtmlIsRevalidatedEveryTimeWithAStrongTagAnd304() throws Exception {
        HttpResponse<byte[]> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).isEqualTo(INDEX);
        assertThat(header(page, "cache-control")).isEqualTo("no-cache");
        assertThat(header(page, "content-type")).isEqualTo("text/html; charset=utf-8");
        String tag = header(page, "etag");
        assertThat(tag).matches("\"[A-Za-z0-9_-]+\"");

        HttpResponse<byte[]> unchanged = send(request("/", null).header("if-none-match", tag));
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(header(unchanged, "etag")).isEqualTo(tag);
        assertThat(header(unchanged, "cache-control")).isEqualTo("no-cache");
        assertThat(send(request("/", null).header("if-none-match", "\"stale\"")).statusCode()).isEqualTo(200);
    }

    @Test
    void everyRouteOfTheAppIsIndexHtml() throws Exception {
        String tag = header(get("/", null), "etag");
        for (String route : List.of("/portfolio", "/orders/42", "/history/", "/trade?symbol=AAPL")) {
            HttpResponse<byte[]> page = get(route, null);
            assertThat(page.statusCode()).as(route).isEqualTo(200);
            assertThat(new String(page.body(), StandardCharsets.UTF_8)).as(route).isEqualTo(INDEX);
            assertThat(header(page, "etag")).as(route).isEqualTo(tag);
            assertThat(header(page, "cache-control")).as(route).isEqualTo("no-cache");
        }
        assertThat(backend.pathsSeen).as("nothing of the app reaches an instance")
                .noneMatch(path -> path.startsWith("/portfolio") || path.startsWith("/orders"));
    }

    @Test
    void htmlCarriesTheSecurityHeadersAndHstsOnlyOverHttps() throws Exception {
        HttpResponse<byte[]> plain = get("/portfolio", null);
        assertThat(header(plain, "content-security-policy")).isEqualTo("default-src 'self'; script-src 'self'; "
                + "style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'");
        assertThat(header(plain, "content-security-policy")).doesNotContain("unsafe");
        assertThat(header(plain, "x-content-type-options")).isEqualTo("nosniff");
        assertThat(header(plain, "referrer-policy")).isEqualTo("no-referrer");
        assertThat(plain.headers().firstValue("strict-transport-security")).as("plain HTTP from loopback").isEmpty();

        HttpClient https = HttpClient.newBuilder()
                .sslContext(GatewayTlsTest.trustingOnly(TestGateway.certificate().certificate()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> secure = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + gateway.port() + "/portfolio")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(header(secure, "strict-transport-security")).isEqualTo("max-age=31536000");
        assertThat(header(secure, "content-security-policy")).isEqualTo(StaticFiles.CONTENT_SECURITY_POLICY);
        assertThat(header(secure, "referrer-policy")).isEqualTo("no-referrer");
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutTheBody() throws Exception {
        HttpResponse<byte[]> asset = send(request("/assets/app-abc123.js", "br")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.body()).isEmpty();
        assertThat(header(asset, "content-length")).isEqualTo(Integer.toString(scriptBrotli.length));
        assertThat(header(asset, "content-encoding")).isEqualTo("br");
        assertThat(header(asset, "cache-control")).isEqualTo(IMMUTABLE_FOR_A_YEAR);

        HttpResponse<byte[]> page = send(request("/portfolio", null)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEmpty();
        assertThat(header(page, "content-length")).isEqualTo(Integer.toString(INDEX.length()));
        assertThat(header(page, "content-security-policy")).isEqualTo(StaticFiles.CONTENT_SECURITY_POLICY);
    }

    @Test
    void aMissingAssetIsA404ProblemAndTheDirectoryIsNeverListed() throws Exception {
        for (String path : List.of("/assets/app-000000.js", "/assets/", "/assets", "/favicon.ico")) {
            HttpResponse<byte[]> missing = get(path, null);
            assertThat(missing.statusCode()).as(path).isEqualTo(404);
            assertThat(header(missing, "content-type")).as(path).startsWith("application/problem+json");
            assertThat(header(missing, "x-content-type-options")).isEqualTo("nosniff");
        }
        HttpResponse<byte[]> post = send(request("/portfolio", null).POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(header(post, "allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void noHostilePathEverReachesAFileOutsideTheBundle() throws Exception {
        List<String> paths = new ArrayList<>(HostilePaths.ALL);
        paths.addAll(List.of("/assets/leak.js", "/assets/out/secret.txt", "/secret.txt", "/assets/app-abc123.js.br",
                "/assets/.hidden.js", "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/assets/..%2F..%2Fetc%2Fpasswd",
                "http://127.0.0.1:" + gateway.port() + "/assets/../secret.txt", "/assets/../../../../etc/passwd"));
        assertThat(paths).hasSizeGreaterThanOrEqualTo(23);
        for (String path : paths) {
            String answer = RawHttp.get(gateway.port(), path);
            assertThat(answer).as(path).doesNotContain(SECRET).doesNotContain("root:");
            // Armeria tidies "//" into "/" before any service sees the path, so "//etc/passwd" arrives as the
            // app route /etc/passwd: its answer is the app's page, as for any route, and never a file it names.
            if (!answer.startsWith("HTTP/1.1 200 ") || !path.equals("//etc/passwd")) {
                assertThat(answer).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*");
            } else {
                assertThat(answer).as(path).endsWith("\r\n\r\n" + INDEX);
            }
        }
    }

    @Test
    void theApiAndTheInstancesPathsGoToTheInstancesAsBefore() throws Exception {
        HttpResponse<byte[]> health = get("/api/health", "br");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("content-security-policy")).isEmpty();

        HttpResponse<byte[]> unknown = get("/api/nothing-here", null);
        assertThat(unknown.statusCode()).as("the instance's own answer").isEqualTo(404);
        assertThat(backend.pathsSeen).contains("/api/nothing-here");

        assertThat(get("/metrics", null).statusCode()).isEqualTo(404);
        int before = backend.pathsSeen.size();
        assertThat(get("/admin/faults", null).statusCode()).isEqualTo(404);
        assertThat(backend.pathsSeen).hasSize(before);
    }

    @Test
    void theAppsAnswersAreTimedAsTheGatewaysOwnOfNoRegion() throws Exception {
        long before = staticAnswers();
        get("/assets/app-abc123.js", "br");
        get("/portfolio", null);
        // The timer records once the answer is complete, which may be just after the client has it.
        await(() -> staticAnswers() == before + 2);
        assertThat(staticAnswers()).isEqualTo(before + 2);
    }

    @Test
    void theAssetTtlsComeFromTheConfiguration() throws Exception {
        try (GatewayServer other = GatewayServer.start(TestGateway.config("", "webRoot: \"" + webRoot + "\"",
                "caching: { browser: { static: 7d }, cdn: { static: 30d } }\n"), Clock.systemUTC())) {
            HttpResponse<byte[]> answer = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + other.port() + "/assets/app-abc123.js")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(header(answer, "cache-control"))
                    .isEqualTo("public, max-age=604800, s-maxage=2592000, immutable");
        }
    }

    @Test
    void withoutAWebRootEveryPathGoesToTheInstancesAsBefore() throws Exception {
        try (GatewayServer plain = TestGateway.start("", "slowStart: 0s");
                TestBackend instance = new TestBackend("p1")) {
            plain.addBackend("p1", "127.0.0.1", instance.port(), "fra1");
            await(() -> plain.backends().getFirst().state() == HealthTracker.State.UP);
            for (String path : List.of("/", "/portfolio", "/assets/app-abc123.js")) {
                HttpResponse<byte[]> answer = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + plain.port() + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(answer.statusCode()).as(path).isEqualTo(404);
                assertThat(answer.headers().firstValue("content-security-policy")).isEmpty();
            }
            assertThat(instance.pathsSeen).containsExactly("/", "/portfolio", "/assets/app-abc123.js");
        }
    }

    @Test
    void anUnreadableWebRootServesNoAppAndTheApiStillWorks() throws Exception {
        try (GatewayServer broken = TestGateway.start("", "slowStart: 0s, webRoot: \"" + dir.resolve("missing") + "\"");
                TestBackend instance = new TestBackend("m1")) {
            broken.addBackend("m1", "127.0.0.1", instance.port(), "fra1");
            await(() -> broken.backends().getFirst().state() == HealthTracker.State.UP);
            HttpResponse<byte[]> root = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + broken.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(root.statusCode()).isEqualTo(404);
            assertThat(header(root, "content-type")).startsWith("application/problem+json");
            HttpResponse<byte[]> api = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + broken.port() + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(instance.pathsSeen).isEmpty();
        }
    }

    private static HttpRequest.Builder request(String path, String acceptEncoding) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
        if (acceptEncoding != null) {
            request.header("accept-encoding", acceptEncoding);
        }
        return request;
    }

    private static HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
        return send(request(path, acceptEncoding));
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    private static long staticAnswers() {
        String scrape;
        try {
            scrape = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot scrape the gateway's metrics", e);
        }
        return scrape.lines().filter(line -> line.startsWith(
                        "gateway_responses_seconds_count{region=\"none\",status=\"2xx\"}"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }
}
