package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where extracted server binaries are kept between runs: {@code -Dnlt.cache.dir}, else {@code ~/.cache/nlt} (or
 * {@code $XDG_CACHE_HOME/nlt}). As root it is {@code /var/tmp/nlt-cache} instead, because PostgreSQL then runs as
 * another user who cannot enter /root; since /var/tmp is world-writable, we insist the directory is root's own and
 * not writable by others before executing anything from it.
 */
final class CacheDir {

    static final String PROPERTY = "nlt.cache.dir";

    private static final Set<PosixFilePermission> PUBLIC_DIR = PosixFilePermissions.fromString("rwxr-xr-x");

    private CacheDir() {
    }

    static Path root() {
        boolean root = ServerUser.currentUid() == 0;
        String configured = System.getProperty(PROPERTY, "");
        Path dir;
        if (!configured.isBlank()) {
            dir = Path.of(configured);
        } else if (root) {
            dir = Path.of("/var/tmp/nlt-cache");
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            dir = (xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg))
                    .resolve("nlt");
        }
        dir = dir.toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PUBLIC_DIR);
            }
            checkSafe(dir);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create cache directory " + dir, e);
        }
        return dir;
    }

    private static void checkSafe(Path dir) throws IOException {
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (owner != ServerUser.currentUid() || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new EmbeddedServerException("refusing to use cache directory " + dir
                    + ": it must belong to this user and not be writable by others (set -D" + PROPERTY + "=...)");
        }
    }

    /** Gives everybody read access (and execute where the owner has it) so the server user can run what we unpacked. */
    static void makeReadable(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                boolean executable = Files.isDirectory(path)
                        || Files.getPosixFilePermissions(path).contains(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    static void deleteTree(Path tree) {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot delete " + tree, e);
        }
    }
}
