package com.nextleveltraders.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebBundleTest {

    @TempDir
    Path dir;
    private Path root;

    @BeforeEach
    void build() throws IOException {
        root = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>t</title>");
        Path assets = Files.createDirectories(root.resolve("assets"));
        Files.writeString(assets.resolve("app-1a2b.js"), "console.log(1)");
        Files.write(assets.resolve("app-1a2b.js.br"), new byte[] {1, 2, 3});
        Files.write(assets.resolve("app-1a2b.js.gz"), new byte[] {4, 5, 6});
        Files.write(assets.resolve("data-9f.bin.gz"), new byte[] {7});
        Files.writeString(root.resolve(".env"), "hidden");
        Files.writeString(dir.resolve("secret.txt"), "outside");
    }

    @Test
    void aFileCarriesItsPrecompressedFormsWhichAreNotFilesOfTheirOwn() throws IOException {
        WebBundle bundle = WebBundle.load(root);
        WebBundle.BundleFile app = bundle.file("assets/app-1a2b.js").orElseThrow();
        assertThat(app.identity()).isEqualTo("console.log(1)".getBytes(StandardCharsets.UTF_8));
        assertThat(app.content(Coding.BROTLI)).containsExactly(1, 2, 3);
        assertThat(app.content(Coding.GZIP)).containsExactly(4, 5, 6);
        assertThat(app.type().toString()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(bundle.file("assets/app-1a2b.js.br")).isEmpty();
        assertThat(bundle.file("assets/app-1a2b.js.gz")).isEmpty();
        assertThat(bundle.file("assets/data-9f.bin.gz")).as("no original beside it: a file of its own").isPresent();
        assertThat(bundle.file("index.html").orElseThrow().precompressed()).isFalse();
    }

    @Test
    void eachCodingHasAStrongTagOfItsOwnDerivedFromTheContent() throws IOException {
        WebBundle.BundleFile app = WebBundle.load(root).file("assets/app-1a2b.js").orElseThrow();
        assertThat(app.entityTag(Coding.IDENTITY)).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(app.entityTag(Coding.BROTLI)).isEqualTo(app.entityTag(Coding.IDENTITY).replace("\"", "")
                .transform(digest -> "\"" + digest + ".br\""));
        assertThat(app.entityTag(Coding.GZIP)).endsWith(".gz\"");
        Files.writeString(root.resolve("assets/app-1a2b.js"), "console.log(2)");
        assertThat(WebBundle.load(root).file("assets/app-1a2b.js").orElseThrow().entityTag(Coding.IDENTITY))
                .isNotEqualTo(app.entityTag(Coding.IDENTITY));
    }

    @Test
    void linksAndHiddenFilesAreNeverPartOfTheBundle() throws IOException {
        Files.createSymbolicLink(root.resolve("assets/leak.js"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("assets/out"), dir);
        Files.createSymbolicLink(root.resolve("inside.html"), root.resolve("index.html"));
        WebBundle bundle = WebBundle.load(root);
        assertThat(bundle.file("assets/leak.js")).isEmpty();
        assertThat(bundle.file("assets/out/secret.txt")).isEmpty();
        assertThat(bundle.file("inside.html")).as("links are not followed at all").isEmpty();
        assertThat(bundle.file(".env")).isEmpty();
        assertThat(bundle.size()).isEqualTo(3);
    }

    @Test
    void aRootThatIsALinkIsReadWhereItLeads() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("current"), root);
        assertThat(WebBundle.load(link).file("index.html")).isPresent();
    }

    @Test
    void aRootWithoutIndexHtmlOrThatIsNoDirectoryIsRefused() throws IOException {
        Files.delete(root.resolve("index.html"));
        assertThatThrownBy(() -> WebBundle.load(root)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("holds no index.html");
        assertThatThrownBy(() -> WebBundle.load(dir.resolve("secret.txt"))).isInstanceOf(IOException.class)
                .hasMessageEndingWith("is not a directory");
        assertThatThrownBy(() -> WebBundle.load(dir.resolve("missing"))).isInstanceOf(IOException.class);
    }
}
