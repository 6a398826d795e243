package com.nextleveltraders.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A prefix that starts a command in a session of its own. A terminal's Ctrl-C signals the whole
 * foreground process group at once; servers in their own session hear only their launcher, which
 * stops them in order (API first, databases last).
 */
public final class SetsidPrefix {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private SetsidPrefix() {
    }

    /** {@code [/usr/bin/setsid]} where it exists, else nothing (the command then shares the group). */
    public static List<String> detached() {
        return Files.isExecutable(SETSID) ? List.of(SETSID.toString()) : List.of();
    }
}
