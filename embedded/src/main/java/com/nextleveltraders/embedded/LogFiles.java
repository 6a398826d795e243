package com.nextleveltraders.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reading the server logs we append to: sizes, what a run added, and tails for error messages. */
final class LogFiles {

    private static final int TAIL_LINES = 30;
    private static final int MAX_READ = 64 * 1024;

    private LogFiles() {
    }

    /** Creates the log file (and its directory) so the shell can append to it and a later tail finds it. */
    static Path prepare(Path logFile) {
        Path absolute = logFile.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
            if (!Files.exists(absolute)) {
                Files.createFile(absolute);
            }
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create log file " + absolute, e);
        }
        return absolute;
    }

    static long size(Path logFile) {
        try {
            return Files.size(logFile);
        } catch (IOException e) {
            return 0;
        }
    }

    /** What was appended after {@code offset} (at most the last 64 KiB of it). */
    static String since(Path logFile, long offset) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long end = file.length();
            long start = Math.max(Math.max(0, offset), end - MAX_READ);
            if (start >= end) {
                return "";
            }
            byte[] bytes = new byte[(int) (end - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static List<String> tail(Path logFile) {
        String text = since(logFile, 0);
        List<String> lines = Arrays.asList(text.split("\\R"));
        return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    }

    static String describeTail(Path logFile) {
        if (logFile == null) {
            return "";
        }
        List<String> lines = tail(logFile);
        if (lines.isEmpty() || lines.size() == 1 && lines.getFirst().isBlank()) {
            return " (log " + logFile + " is empty)";
        }
        return "\n--- last lines of " + logFile + " ---\n" + String.join("\n", lines);
    }
}
