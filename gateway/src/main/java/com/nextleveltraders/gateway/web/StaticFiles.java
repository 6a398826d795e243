package com.nextleveltraders.gateway.web;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.Problems;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app on the gateway's public port, in front of the proxy: {@code /api}, {@code /admin} and
 * {@code /metrics} pass through to what served them before; every other path is the app's
 * ({@link WebPaths}) and is answered here from the bundle in memory ({@link WebBundle}). The same
 * bundle, with the same headers, serves the operations dashboard on the loopback admin port
 * ({@link #forAdminPort}): {@code /ops} is {@code ops.html}, which the public port never serves.
 *
 * <ul>
 *   <li>Hashed assets ({@code /assets/...}): {@code public, max-age=B, s-maxage=C, immutable}, B and C the
 *       strategy's static TTLs in seconds ({@code caching.browser.static}, {@code caching.cdn.static}),
 *       since a new build gives every changed file a new name.</li>
 *   <li>{@code index.html} (at {@code /} and every app route) and other top-level files:
 *       {@code no-cache}, so that a browser revalidates them (a 304 costs one round trip) and picks up a
 *       new build at once.</li>
 *   <li>Each with a strong ETag (304 on {@code If-None-Match}), the build's {@code .br} or {@code .gz}
 *       as {@code Accept-Encoding} allows, and {@code Vary: Accept-Encoding} wherever there is a choice.
 *       These answers skip the gateway's request-time compression and the API rate limit: this decorator
 *       sits outside both (a page load fetches several files and must not spend a trader's API
 *       allowance; each answer is a lookup in memory).</li>
 *   <li>{@code X-Content-Type-Options: nosniff} on every answer, and on HTML the strict
 *       {@link #CONTENT_SECURITY_POLICY}, {@code Referrer-Policy: no-referrer}, and over HTTPS
 *       {@code Strict-Transport-Security}.</li>
 * </ul>
 * A missing file, and a path that would need resolving, is a 404 problem; a method other than GET or
 * HEAD a 405. With no readable bundle at start, every app path is a 404 problem saying that the web app
 * is not built, and the API works as before.
 */
public final class StaticFiles implements DecoratingHttpServiceFunction {

    /** Same-origin everything, no inline script or style, no eval, never framed. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    static final String ASSET_CACHE_FORMAT = "public, max-age=%d, s-maxage=%d, immutable";
    static final String NO_CACHE = "no-cache";
    static final String HSTS = "max-age=31536000";

    private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);

    private final Optional<WebBundle> bundle;
    private final String assetCacheControl;
    private final Function<String, WebPaths.Target> paths;

    StaticFiles(Optional<WebBundle> bundle, Duration browserTtl, Duration cdnTtl) {
        this(bundle, ASSET_CACHE_FORMAT.formatted(browserTtl.toSeconds(), cdnTtl.toSeconds()), WebPaths::classify);
    }

    private StaticFiles(Optional<WebBundle> bundle, String assetCacheControl, Function<String, WebPaths.Target> paths) {
        this.bundle = bundle;
        this.assetCacheControl = assetCacheControl;
        this.paths = paths;
    }

    /**
     * Reads the bundle under {@code webRoot} once. One that cannot be read is logged in one line and
     * leaves the app unserved; the gateway starts all the same, since the API does not need it.
     *
     * @param webRoot    {@code platform.gateway.webRoot}; {@code null} when no web app is served
     * @param browserTtl {@code caching.browser.static}: how long a browser keeps an asset
     * @param cdnTtl     {@code caching.cdn.static}: how long a shared cache keeps one
     */
    public static StaticFiles load(Path webRoot, Duration browserTtl, Duration cdnTtl) {
        if (webRoot == null) {
            return new StaticFiles(Optional.empty(), browserTtl, cdnTtl);
        }
        try {
            WebBundle bundle = WebBundle.load(webRoot);
            LOG.info("serving the web app from {}: {} files, {} KiB in memory", webRoot, bundle.size(),
                    (bundle.bytes() + 1023) / 1024);
            return new StaticFiles(Optional.of(bundle), browserTtl, cdnTtl);
        } catch (IOException | RuntimeException e) {
            LOG.warn("no web app served: cannot read platform.gateway.webRoot {}: {}", webRoot, e.toString());
            return new StaticFiles(Optional.empty(), browserTtl, cdnTtl);
        }
    }

    /**
     * The same bundle and headers for the loopback admin port ({@link WebPaths#classifyAdmin}), as a
     * service for the routes {@code /ops}, {@code /ops/} and {@code /assets}: what is not a file there is a 404.
     * One copy of the bundle in memory serves both ports.
     */
    public HttpService forAdminPort() {
        HttpService nothingElse = (ctx, req) -> notFound();
        return nothingElse.decorate(new StaticFiles(bundle, assetCacheControl, WebPaths::classifyAdmin));
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        WebPaths.Target target = paths.apply(ctx.path());
        if (target.kind() == WebPaths.Kind.PASS_ON) {
            return delegate.serve(ctx, req);
        }
        if (target.kind() == WebPaths.Kind.REFUSED) {
            return notFound();
        }
        HttpMethod method = req.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return problem(Problems.of(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                    "the web app's files are read with GET or HEAD", List.of(), null), true);
        }
        if (bundle.isEmpty()) {
            return problem(Problems.of(HttpStatus.NOT_FOUND, "web-app-not-built", "the web app is not built here: "
                    + "build web/ and set platform.gateway.webRoot to its output", List.of(), null), false);
        }
        Optional<WebBundle.BundleFile> file = bundle.get().file(target.name());
        if (file.isEmpty()) {
            return notFound();
        }
        String cacheControl = target.kind() == WebPaths.Kind.ASSET ? assetCacheControl : NO_CACHE;
        return answer(file.get(), cacheControl, ctx, req);
    }

    private static HttpResponse answer(WebBundle.BundleFile file, String cacheControl, ServiceRequestContext ctx,
            HttpRequest req) {
        Coding coding = Coding.choose(req.headers().get(HttpHeaderNames.ACCEPT_ENCODING), file.brotli() != null,
                file.gzip() != null);
        String tag = file.entityTag(coding);
        ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.OK)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl)
                .set(HttpHeaderNames.ETAG, tag)
                .set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (file.precompressed()) {
            headers.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING.toString());
        }
        if (file.type().is(ContentTypes.HTML.withoutParameters())) {
            headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                    .set(HttpHeaderNames.REFERRER_POLICY, "no-referrer");
        }
        if (ctx.sessionProtocol().isTls()) {
            headers.set(HttpHeaderNames.STRICT_TRANSPORT_SECURITY, HSTS);
        }
        if (EntityTags.matches(req.headers().get(HttpHeaderNames.IF_NONE_MATCH), tag)) {
            return HttpResponse.of(headers.status(HttpStatus.NOT_MODIFIED).build());
        }
        byte[] content = file.content(coding);
        headers.contentType(file.type()).contentLength(content.length);
        if (coding.token != null) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, coding.token);
        }
        if (req.method() == HttpMethod.HEAD) {
            return HttpResponse.of(headers.build());
        }
        return HttpResponse.of(headers.build(), HttpData.wrap(content));
    }

    private static HttpResponse notFound() {
        return problem(Problems.of(HttpStatus.NOT_FOUND, "not-found", "no such resource", List.of(), null), false);
    }

    private static HttpResponse problem(AggregatedHttpResponse problem, boolean allowGetAndHead) {
        ResponseHeadersBuilder headers = problem.headers().toBuilder()
                .set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (allowGetAndHead) {
            headers.set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        return HttpResponse.of(headers.build(), problem.content());
    }
}
