package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/** Generated server passwords, kept in a 0600 file next to the data so later runs and clients can read them. */
public final class Passwords {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** The password in {@code file}, generating and durably writing one first if there is none. */
    public static String loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        StringBuilder password = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        writeOwnerOnly(file, password + "\n");
        return password.toString();
    }

    static String load(Path file) {
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty() || password.chars().anyMatch(Character::isWhitespace)) {
                throw new EmbeddedServerException("password file " + file + " is empty or malformed");
            }
            return password;
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot read password file " + file, e);
        }
    }

    /**
     * Writes a 0600 file atomically and durably: created private from the start (never briefly readable), synced,
     * then renamed over the target.
     */
    static void writeOwnerOnly(Path file, String content) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot write " + file, e);
        }
    }

    /** Makes a rename in {@code dir} durable; best effort since not every file system lets a directory be opened. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // the rename is still atomic, only its durability before the next sync is not guaranteed
        }
    }
}
