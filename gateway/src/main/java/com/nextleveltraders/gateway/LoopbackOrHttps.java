package com.nextleveltraders.gateway;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.Problems;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Plain HTTP on the public port is for loopback clients only (local tools, curl without a
 * certificate). Any other client gets a permanent redirect to the same URL over HTTPS, with 308 so
 * that a POST stays a POST; nothing is forwarded to an instance over plain HTTP from the network.
 */
final class LoopbackOrHttps implements DecoratingHttpServiceFunction {

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (ctx.sessionProtocol().isTls()
                || ((InetSocketAddress) ctx.remoteAddress()).getAddress().isLoopbackAddress()) {
            return delegate.serve(ctx, req);
        }
        String authority = req.authority();
        if (authority == null || authority.isBlank()) {
            return Problems.of(HttpStatus.BAD_REQUEST, "https-required",
                    "use HTTPS: plain HTTP is served to loopback clients only", List.of(), null).toHttpResponse();
        }
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.valueOf(308))
                .set(HttpHeaderNames.LOCATION, "https://" + authority + req.path())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .contentLength(0)
                .build());
    }
}
