package com.nextleveltraders.gateway.web;

import java.util.List;

/**
 * Request paths that try to leave the web bundle or reach what it does not publish: dot segments,
 * plain, escaped and double-escaped; escaped separators; backslashes; NUL and line breaks; empty
 * segments and absolute paths; hidden and unpublished files; the directory itself. None may be answered
 * with a file or a page. The gateway's own tests send them over the wire as well.
 */
public final class HostilePaths {

    /** Paths that try to leave the bundle or reach what it does not publish; none is a file or a page. */
    public static final List<String> ALL = List.of(
            "/assets/../secret.txt",
            "/assets/../../secret.txt",
            "/../secret.txt",
            "/assets/%2e%2e/secret.txt",
            "/assets/%2E%2E/%2e%2e/secret.txt",
            "/assets/..%2fsecret.txt",
            "/assets/..%2F..%2Fsecret.txt",
            "/assets/%2e%2e%2fsecret.txt",
            "/assets/%252e%252e/secret.txt",
            "/assets/%252e%252e%252fsecret.txt",
            "/assets/..%5csecret.txt",
            "/assets/..\\secret.txt",
            "/assets/%5c..%5csecret.txt",
            "/assets/app-abc123.js%00.txt",
            "/assets/%00",
            "/assets/%2fetc%2fpasswd",
            "/%2fetc%2fpasswd",
            "//etc/passwd",
            "/assets//etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fsecret.txt",
            "/assets/app-abc123.js/../../secret.txt",
            "/assets/C:%5cWindows%5cwin.ini",
            "/assets/.hidden.js",
            "/assets/./app-abc123.js",
            "/etc/passwd.txt",
            "/manifest.json",
            "/ops.html",
            "/assets/",
            "/assets",
            "/portfolio/%0d%0aSet-Cookie:x",
            "/portfolio/..");

    private HostilePaths() {
    }
}
