package com.nextleveltraders.gateway.web;

import com.linecorp.armeria.common.MediaType;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The built web app, read whole into memory once, when the gateway starts. The bundle is small (its
 * budget is 150 KiB compressed for the trader app's first load; all files with their {@code .br} and
 * {@code .gz} are well under a few MiB), so each answer is a lookup and a copy-free wrap of bytes
 * already in hand, with no file system access, no race with a rebuild and no way to reach a file by a
 * crafted path: only the files found here can be served, under the names they were found by.
 *
 * <p>Regular files only: symbolic links are not followed (they could lead out of the root), nor are
 * hidden files kept. A file {@code X.br} or {@code X.gz} beside {@code X} is {@code X} precompressed and
 * is served only in its place. A rebuild is served from the gateway's next start.
 */
final class WebBundle {

    static final String INDEX = "index.html";
    /** A root this big is not a web bundle but a wrong setting; it is refused rather than fill the heap. */
    static final long MAX_BYTES = 64L * 1024 * 1024;
    // 128 bits of SHA-256 tell apart any two versions of a file.
    private static final int TAG_BYTES = 16;

    private final Map<String, BundleFile> files;
    private final long bytes;

    private WebBundle(Map<String, BundleFile> files, long bytes) {
        this.files = Map.copyOf(files);
        this.bytes = bytes;
    }

    /**
     * Reads every regular file under {@code root}.
     *
     * @throws IOException if the root cannot be read, holds no {@value #INDEX}, or is over {@link #MAX_BYTES}
     */
    static WebBundle load(Path root) throws IOException {
        Path realRoot = root.toRealPath();
        if (!Files.isDirectory(realRoot)) {
            throw new IOException(root + " is not a directory");
        }
        Map<String, byte[]> raw = new HashMap<>();
        long[] total = {0};
        Files.walkFileTree(realRoot, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(realRoot) || !hidden(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // Without FOLLOW_LINKS a link is reported as itself, never as a regular file.
                if (!attrs.isRegularFile() || hidden(file)) {
                    return FileVisitResult.CONTINUE;
                }
                total[0] += attrs.size();
                if (total[0] > MAX_BYTES) {
                    throw new IOException(root + " holds more than " + MAX_BYTES / (1024 * 1024)
                            + " MiB: not a web bundle");
                }
                raw.put(name(realRoot.relativize(file)), Files.readAllBytes(file));
                return FileVisitResult.CONTINUE;
            }
        });
        if (!raw.containsKey(INDEX)) {
            throw new IOException(root + " holds no " + INDEX);
        }
        Map<String, BundleFile> files = new HashMap<>();
        raw.forEach((name, content) -> {
            if (isVariant(name, raw)) {
                return;
            }
            files.put(name, new BundleFile(ContentTypes.of(name), content,
                    raw.get(name + Coding.BROTLI.suffix), raw.get(name + Coding.GZIP.suffix), tag(content)));
        });
        return new WebBundle(files, total[0]);
    }

    Optional<BundleFile> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    int size() {
        return files.size();
    }

    /** Everything held, the precompressed files included. */
    long bytes() {
        return bytes;
    }

    private static boolean isVariant(String name, Map<String, byte[]> all) {
        for (Coding coding : Coding.values()) {
            if (coding != Coding.IDENTITY && name.endsWith(coding.suffix)
                    && all.containsKey(name.substring(0, name.length() - coding.suffix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** The name a request finds the file by: its path under the root, with {@code /} between segments. */
    private static String name(Path relative) {
        StringBuilder name = new StringBuilder();
        for (Path segment : relative) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(segment);
        }
        return name.toString();
    }

    private static String tag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, TAG_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * One file and its precompressed forms. Each form is a representation of its own with a strong
     * entity tag of its own (RFC 9110 section 8.8.3: the same tag must not name different bytes): the
     * content's digest, with the coding's suffix for the compressed ones.
     *
     * @param brotli {@code null} when the build wrote no {@code .br}
     * @param gzip   {@code null} when the build wrote no {@code .gz}
     * @param digest the identity content's digest, base64url
     */
    record BundleFile(MediaType type, byte[] identity, byte[] brotli, byte[] gzip, String digest) {

        boolean precompressed() {
            return brotli != null || gzip != null;
        }

        byte[] content(Coding coding) {
            return switch (coding) {
                case IDENTITY -> identity;
                case BROTLI -> brotli;
                case GZIP -> gzip;
            };
        }

        /** The quoted strong entity tag of the file in {@code coding}. */
        String entityTag(Coding coding) {
            return "\"" + digest + coding.suffix + "\"";
        }
    }
}
