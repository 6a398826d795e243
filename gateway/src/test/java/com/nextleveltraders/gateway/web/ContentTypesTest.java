package com.nextleveltraders.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentTypesTest {

    @Test
    void theTypeComesFromAFixedTableAndAnythingElseIsOpaqueBytes() {
        assertThat(ContentTypes.of("index.html").toString()).isEqualTo("text/html; charset=utf-8");
        assertThat(ContentTypes.of("index-3fa2b1c9.js").toString()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(ContentTypes.of("index-3fa2b1c9.CSS").toString()).isEqualTo("text/css; charset=utf-8");
        assertThat(ContentTypes.of("logo.svg").toString()).isEqualTo("image/svg+xml");
        assertThat(ContentTypes.of("inter.woff2").toString()).isEqualTo("font/woff2");
        assertThat(ContentTypes.of("archive.tar").toString()).isEqualTo("application/octet-stream");
        assertThat(ContentTypes.of("README").toString()).isEqualTo("application/octet-stream");
    }
}
