package com.nextleveltraders.gateway;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.nextleveltraders.edge.Problems;
import com.nextleveltraders.gateway.web.PathDecoding;
import java.util.List;

/**
 * The public port serves nothing under {@code /admin}: the instances' {@code /admin} routes (fault
 * switches among them) are for loopback and the operator only, so such a request is answered 404 here
 * and never forwarded. The path is judged the way an instance could read it: percent-escapes decoded
 * (repeatedly, against double encoding), empty, {@code .} and {@code ..} segments resolved, matrix
 * parameters dropped, case ignored. Refusing a little too much costs nothing, since the public API has
 * no {@code /admin} of its own.
 */
final class NoAdminOnPublicPort implements DecoratingHttpServiceFunction {

    private static final String ADMIN = "admin";

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (isAdmin(req.path())) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "no such resource", List.of(), null).toHttpResponse();
        }
        return delegate.serve(ctx, req);
    }

    /** Whether the path (with or without its query) is {@code /admin} or under it. */
    static boolean isAdmin(String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        if (plain(path)) {
            // The common case, on every request: nothing to decode or resolve.
            return path.regionMatches(true, 0, "/" + ADMIN, 0, ADMIN.length() + 1)
                    && (path.length() == ADMIN.length() + 1 || path.charAt(ADMIN.length() + 1) == '/');
        }
        List<String> segments = PathDecoding.resolvedSegments(PathDecoding.decodeEscapes(path));
        return !segments.isEmpty() && ADMIN.equalsIgnoreCase(segments.getFirst());
    }

    private static boolean plain(String path) {
        return path.indexOf('%') < 0 && path.indexOf(';') < 0 && path.indexOf('\\') < 0 && !path.contains("//")
                && !path.contains("/.");
    }
}
