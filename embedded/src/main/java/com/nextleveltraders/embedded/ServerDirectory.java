package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The directory a server keeps its files in, created on first use. */
final class ServerDirectory {

    private ServerDirectory() {
    }

    /** Creates {@code dir} with its parents and returns it absolute, so that a later chdir does not change it. */
    static Path create(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create " + absolute, e);
        }
        return absolute;
    }
}
