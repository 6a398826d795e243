package com.nextleveltraders.gateway.web;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which part of a port a request path is for. On the public port ({@link #classify}): the instances'
 * ({@code /api}, {@code /admin}, {@code /metrics}, which go on as before), a hashed asset, a file at the
 * bundle's top, or a page of the app (any other path without an extension: the app routes in the
 * browser, so each of them is {@code index.html}). On the loopback admin port ({@link #classifyAdmin}):
 * the operations dashboard's page, the same hashed assets, and the admin port's own routes.
 *
 * <p>The instances' paths are recognised the way an instance could read them (escapes decoded,
 * repeatedly; dot segments resolved; case ignored), so that no spelling of an API path is kept from
 * them. Everything else is the app's and is judged strictly: a path that needs resolving at all
 * (dot segments, empty segments, backslashes, control characters, an escaped {@code /}) is refused
 * rather than resolved, and file names are a plain character set with no escapes. Together with the
 * bundle being a fixed set of names ({@link WebBundle}), no path can name a file outside it.
 */
final class WebPaths {

    /** {@code PASS_ON}: not a file of the bundle but what the port serves behind it (instances, admin routes). */
    enum Kind { PASS_ON, PAGE, ASSET, TOP_FILE, REFUSED }

    /** @param name the bundle file asked for ({@code assets/app-1a2b.js}, {@code index.html}); {@code null} if none */
    record Target(Kind kind, String name) {
    }

    static final String ASSETS = "assets";
    static final String OPS = "ops.html";
    /** Built beside the app but not the public app's: the build's record and the admin port's page. */
    static final Set<String> NOT_PUBLIC = Set.of("manifest.json", OPS);

    // A segment of a file name: no escapes, no leading dot (so no dot segments and no hidden files).
    private static final Pattern FILE_SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Target PASS_ON = new Target(Kind.PASS_ON, null);
    private static final Target PAGE = new Target(Kind.PAGE, WebBundle.INDEX);
    private static final Target OPS_PAGE = new Target(Kind.PAGE, OPS);
    private static final Target REFUSED = new Target(Kind.REFUSED, null);

    private WebPaths() {
    }

    /** @param path the request's path, without its query */
    static Target classify(String path) {
        String decoded = PathDecoding.decodeEscapes(path);
        if (forInstances(decoded)) {
            return PASS_ON;
        }
        if (!path.startsWith("/") || !clean(path, decoded)) {
            return REFUSED;
        }
        String[] segments = path.substring(1).split("/", -1);
        if (segments[0].equals(ASSETS)) {
            return file(segments, 1);
        }
        String last = segments[segments.length - 1];
        if (last.indexOf('.') < 0) {
            return PAGE;
        }
        if (segments.length != 1 || NOT_PUBLIC.contains(last)) {
            return REFUSED;
        }
        return file(segments, 0);
    }

    /**
     * The admin port: {@code /ops} and {@code /ops/} are the operations dashboard's page, {@code /assets/...}
     * the bundle's hashed assets judged as on the public port (anything else under it refused), and every
     * other path the admin port's own routes ({@code /admin}, {@code /metrics}, {@code /health}).
     *
     * @param path the request's path, without its query
     */
    static Target classifyAdmin(String path) {
        if (path.equals("/ops") || path.equals("/ops/")) {
            return OPS_PAGE;
        }
        if (path.equals("/" + ASSETS) || path.startsWith("/" + ASSETS + "/")) {
            Target target = classify(path);
            return target.kind() == Kind.ASSET ? target : REFUSED;
        }
        return PASS_ON;
    }

    /** {@code /api} and under, {@code /admin} and under, {@code /metrics}: as the instances could resolve it. */
    private static boolean forInstances(String decoded) {
        List<String> segments = PathDecoding.resolvedSegments(decoded);
        String first = segments.isEmpty() ? null : segments.getFirst();
        return first != null && (first.equalsIgnoreCase("api") || first.equalsIgnoreCase("admin")
                || segments.size() == 1 && first.equalsIgnoreCase("metrics"));
    }

    /**
     * No backslash, control character or NUL, no escaped {@code /}, and no empty, {@code .} or {@code ..}
     * segment once decoded (a trailing {@code /} aside).
     */
    private static boolean clean(String path, String decoded) {
        if (count(decoded, '/') != count(path, '/')) {
            return false;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        String[] segments = decoded.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean trailing = i == segments.length - 1 && segment.isEmpty();
            if (!trailing && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                return false;
            }
        }
        return true;
    }

    private static Target file(String[] segments, int from) {
        if (segments.length <= from) {
            return REFUSED;
        }
        for (String segment : segments) {
            if (!FILE_SEGMENT.matcher(segment).matches()) {
                return REFUSED;
            }
        }
        return new Target(from == 0 ? Kind.TOP_FILE : Kind.ASSET, String.join("/", segments));
    }

    private static int count(String text, char c) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
