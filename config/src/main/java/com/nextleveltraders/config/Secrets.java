package com.nextleveltraders.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Secrets live in files named by the configuration (e.g. {@code passwordFile}), never in it. */
public final class Secrets {

    private Secrets() {
    }

    /** The file's content without surrounding white space; the message names the file, never the secret. */
    public static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret file " + file, e);
        }
    }
}
