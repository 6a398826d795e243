package com.nextleveltraders.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redis-server to run: one on PATH if installed, else the Linux binary packed in the embedded-redis jar, copied
 * into the cache once. {@code -Dnlt.redis.binaries=system|bundled} forces one of them.
 */
final class RedisBinary {

    static final String PROPERTY = "nlt.redis.binaries";

    private static final Logger log = LoggerFactory.getLogger(RedisBinary.class);

    private RedisBinary() {
    }

    static Path resolve() {
        String mode = System.getProperty(PROPERTY, "auto").strip();
        return switch (mode) {
            case "system" -> Executables.onPath("redis-server").orElseThrow(() -> new EmbeddedServerException(
                    PROPERTY + "=system but there is no redis-server on PATH"));
            case "bundled" -> bundled();
            case "auto", "" -> Executables.onPath("redis-server").orElseGet(RedisBinary::bundled);
            default -> throw new EmbeddedServerException(PROPERTY + " must be system or bundled, not '" + mode + "'");
        };
    }

    private static Path bundled() {
        String resource = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "redis-server-6.2.6-v5-linux-amd64";
            case "aarch64", "arm64" -> "redis-server-6.2.7-linux-arm64";
            default -> throw new EmbeddedServerException("no bundled redis-server for " + System.getProperty("os.arch")
                    + "; install redis-server");
        };
        // Named plainly "redis-server" so the process name (/proc/PID/comm) identifies it when we look for strays.
        Path target = CacheDir.root().resolve(resource.replace("redis-server-", "redis-")).resolve("redis-server");
        if (Files.isExecutable(target)) {
            return target;
        }
        log.info("Unpacking bundled redis-server into {}", target);
        try (InputStream in = RedisBinary.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new EmbeddedServerException(resource + " is not on the classpath (com.github.codemonstur:"
                        + "embedded-redis); install redis-server instead");
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "redis-server", ".tmp");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot unpack the bundled redis-server into " + target, e);
        }
        return target;
    }
}
