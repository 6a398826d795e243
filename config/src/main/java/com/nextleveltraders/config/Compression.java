package com.nextleveltraders.config;

/** Pre-compressed encodings of the bundles: {@code assets.bundling.compression}. */
public record Compression(boolean brotli, boolean gzip) {
}
