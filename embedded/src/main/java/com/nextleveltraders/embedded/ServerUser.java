package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The OS user a PostgreSQL process runs as. PostgreSQL refuses to run as root, so when the JVM is root the server,
 * initdb and single-user runs are started through {@code setpriv} as an unprivileged user ({@code postgres} unless the
 * system property {@code nlt.postgres.os-user} says otherwise). Otherwise they simply run as the JVM's user.
 */
final class ServerUser {

    static final String OS_USER_PROPERTY = "nlt.postgres.os-user";

    private static final ServerUser CURRENT = new ServerUser(null, -1, -1, null);

    private final String name;
    private final int uid;
    private final int gid;
    private final Path setpriv;

    private ServerUser(String name, int uid, int gid, Path setpriv) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.setpriv = setpriv;
    }

    static ServerUser forPostgres() {
        if (currentUid() != 0) {
            return CURRENT;
        }
        String name = System.getProperty(OS_USER_PROPERTY, "postgres");
        Path setpriv = Executables.onPath("setpriv").orElseThrow(() -> new EmbeddedServerException(
                "running as root: PostgreSQL must run as user '" + name + "', which needs setpriv (util-linux)"));
        int uid = idOf(name, "-u");
        int gid = idOf(name, "-g");
        if (uid == 0) {
            throw new EmbeddedServerException("user '" + name + "' is root; PostgreSQL refuses to run as root ("
                    + OS_USER_PROPERTY + ")");
        }
        return new ServerUser(name, uid, gid, setpriv);
    }

    static int currentUid() {
        try {
            // /proc/self belongs to the uid the JVM runs as.
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new EmbeddedServerException("cannot tell which user this JVM runs as (is this Linux?)", e);
        }
    }

    /** True when commands run as another user than the JVM. */
    boolean switches() {
        return name != null;
    }

    String describe() {
        return switches() ? name : System.getProperty("user.name");
    }

    /** Prepended to a command so it runs as this user; setpriv execs, so the pid is the command's own. */
    List<String> prefix() {
        if (!switches()) {
            return List.of();
        }
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
    }

    List<String> command(String... command) {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(List.of(command));
        return full;
    }

    /** Gives {@code path} to this user (no-op when not switching). */
    void own(Path path) {
        if (!switches()) {
            return;
        }
        try {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot give " + path + " to user " + name, e);
        }
    }

    /**
     * Makes sure this user owns the data directory tree, e.g. after it was created or copied by another user.
     * Checks the top only: the tree is normally written by the server itself, so a correct top means a correct tree.
     */
    void ownTree(Path dir) {
        if (!switches()) {
            return;
        }
        try {
            if ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid) {
                return;
            }
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path path : (Iterable<Path>) tree::iterator) {
                    own(path);
                }
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot give " + dir + " to user " + name, e);
        }
    }

    /**
     * Checks that this user can traverse every directory leading to and including each given one. The one place we
     * fix things ourselves is {@code ownDir} (the base directory we were handed), by adding search permission; for
     * anything above it the caller has to decide, so we fail with the offending directory named.
     */
    void ensureCanReach(Path ownDir, Path... others) {
        if (!switches()) {
            return;
        }
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path dir : Stream.concat(Stream.of(ownDir), Stream.of(others)).toList()) {
            for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
                dirs.add(p);
            }
        }
        String blocked = firstUnreachable(dirs);
        if (blocked != null && Path.of(blocked).equals(ownDir.toAbsolutePath().normalize())) {
            addSearchPermission(ownDir);
            blocked = firstUnreachable(dirs);
        }
        if (blocked != null) {
            throw new EmbeddedServerException("PostgreSQL runs as user '" + name + "' (it refuses to run as root) and"
                    + " that user cannot enter directory " + blocked + "; make it traversable (chmod o+x " + blocked
                    + ") or choose a base directory outside it");
        }
    }

    private String firstUnreachable(Set<Path> dirs) {
        List<String> command = command("/bin/sh", "-c",
                "for d do [ -x \"$d\" ] || { printf '%s\\n' \"$d\"; exit 1; }; done", "nlt-check");
        dirs.forEach(d -> command.add(d.toString()));
        Commands.Result result = Commands.capture(command);
        return result.exitCode() == 0 ? null : result.output().strip();
    }

    private static void addSearchPermission(Path dir) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(dir, permissions);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot make " + dir + " traversable", e);
        }
    }

    private static int idOf(String user, String flag) {
        Commands.Result result = Commands.capture(List.of("id", flag, user));
        String out = result.output().strip();
        if (result.exitCode() != 0 || !out.matches("[0-9]+")) {
            throw new EmbeddedServerException("running as root: PostgreSQL must run as an unprivileged user, but user '"
                    + user + "' does not exist (create it or set -D" + OS_USER_PROPERTY + "=...): " + out);
        }
        return Integer.parseInt(out);
    }
}
