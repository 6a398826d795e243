package com.nextleveltraders.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * What the processes `nlt up` starts (API instances, the gateway) share: their command line
 * {@code [--config FILE]... [--parent-pid PID] [--port-file FILE]}, the port file, and exiting
 * when the launcher is gone.
 *
 * @param configs   configuration files, applied over the defaults in order
 * @param parentPid the launcher to follow, or 0
 * @param portFile  where to write the ports once serving, or {@code null}
 */
public record ChildProcess(List<Path> configs, long parentPid, Path portFile) {

    public ChildProcess {
        configs = List.copyOf(configs);
    }

    /** Parses the command line; a bad one prints {@code usage} and exits with 2. */
    public static ChildProcess parse(String[] args, String usage) {
        List<Path> files = new ArrayList<>();
        long parentPid = 0;
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!List.of("--config", "--parent-pid", "--port-file").contains(arg)) {
                exit("unknown argument " + arg, usage);
            }
            if (i + 1 >= args.length) {
                exit(arg + " needs a value", usage);
            }
            String value = args[++i];
            switch (arg) {
                case "--config" -> files.add(Path.of(value));
                case "--port-file" -> portFile = Path.of(value);
                default -> {
                    try {
                        parentPid = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        exit("--parent-pid needs a pid", usage);
                    }
                }
            }
        }
        return new ChildProcess(files, parentPid, portFile);
    }

    /** Exits with 1 at once if the launcher is gone already: nobody would stop this process. */
    public void requireLauncher() {
        if (parentPid != 0 && !ParentWatch.alive(parentPid)) {
            System.err.println("the launcher (pid " + parentPid + ") is gone: not starting");
            System.exit(1);
        }
    }

    /** From now on, exits when the launcher dies, so that a killed launcher leaves nothing behind. */
    public void followLauncher(Logger log) {
        if (parentPid == 0) {
            return;
        }
        Runnable exit = () -> {
            log.warn("the launcher (pid {}) is gone: exiting", parentPid);
            System.exit(0);
        };
        if (!ParentWatch.start(parentPid, exit)) {
            exit.run();
        }
    }

    /** Writes the port file, whole or not at all: a reader polling for it never sees half of it. */
    public void writePorts(String content) {
        if (portFile == null) {
            return;
        }
        try {
            Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
            Files.writeString(partial, content);
            Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the port file " + portFile, e);
        }
    }

    private static void exit(String problem, String usage) {
        System.err.println(problem + "\nusage: " + usage);
        System.exit(2);
    }
}
