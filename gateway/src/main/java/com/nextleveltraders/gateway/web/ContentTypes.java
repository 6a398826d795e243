package com.nextleveltraders.gateway.web;

import com.linecorp.armeria.common.MediaType;
import java.util.Locale;
import java.util.Map;

/**
 * The content type of a bundle file, from its extension by a fixed table: a browser told
 * {@code nosniff} runs a script only when it is served as one, and guessing from the bytes would let a
 * file be read as something it is not. Anything not listed is {@code application/octet-stream}.
 */
final class ContentTypes {

    static final MediaType HTML = MediaType.parse("text/html; charset=utf-8");
    static final MediaType UNKNOWN = MediaType.OCTET_STREAM;

    private static final Map<String, MediaType> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", HTML),
            // RFC 9239: text/javascript is the one type for scripts and modules.
            Map.entry("js", MediaType.parse("text/javascript; charset=utf-8")),
            Map.entry("mjs", MediaType.parse("text/javascript; charset=utf-8")),
            Map.entry("css", MediaType.parse("text/css; charset=utf-8")),
            Map.entry("json", MediaType.parse("application/json; charset=utf-8")),
            Map.entry("map", MediaType.parse("application/json; charset=utf-8")),
            Map.entry("webmanifest", MediaType.parse("application/manifest+json; charset=utf-8")),
            Map.entry("txt", MediaType.parse("text/plain; charset=utf-8")),
            Map.entry("xml", MediaType.parse("application/xml; charset=utf-8")),
            Map.entry("svg", MediaType.parse("image/svg+xml")),
            Map.entry("png", MediaType.parse("image/png")),
            Map.entry("jpg", MediaType.parse("image/jpeg")),
            Map.entry("jpeg", MediaType.parse("image/jpeg")),
            Map.entry("gif", MediaType.parse("image/gif")),
            Map.entry("webp", MediaType.parse("image/webp")),
            Map.entry("avif", MediaType.parse("image/avif")),
            Map.entry("ico", MediaType.parse("image/x-icon")),
            Map.entry("woff", MediaType.parse("font/woff")),
            Map.entry("woff2", MediaType.parse("font/woff2")),
            Map.entry("ttf", MediaType.parse("font/ttf")),
            Map.entry("otf", MediaType.parse("font/otf")),
            Map.entry("wasm", MediaType.parse("application/wasm")));

    private ContentTypes() {
    }

    /** The type of the file named {@code name} (a path's last segment); case is ignored. */
    static MediaType of(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return UNKNOWN;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
