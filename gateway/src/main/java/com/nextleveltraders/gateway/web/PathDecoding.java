package com.nextleveltraders.gateway.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A request path as a server behind the gateway could end up reading it: percent-escapes decoded again and again
 * (double encoding, {@code %252e}, is a classic way around a single decoding), a malformed escape left as it is.
 */
public final class PathDecoding {

    // More rounds than any server decodes; a path still holding escapes after them is judged as it stands.
    private static final int MAX_ROUNDS = 4;

    private PathDecoding() {
    }

    /** {@code path} with its escapes decoded, up to four rounds. */
    public static String decodeEscapes(String path) {
        String decoded = path;
        for (int round = 0; round < MAX_ROUNDS && decoded.indexOf('%') >= 0; round++) {
            decoded = decodeOnce(decoded);
        }
        return decoded;
    }

    /**
     * The segments of a decoded path as a server resolving it would see them: split at {@code /} and {@code \},
     * {@code ;matrix} parameters dropped, empty and {@code .} segments skipped, {@code ..} taking one back.
     */
    public static List<String> resolvedSegments(String decoded) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("[/\\\\]")) {
            int matrix = segment.indexOf(';');
            String name = matrix < 0 ? segment : segment.substring(0, matrix);
            if (name.equals("..")) {
                segments.pollLast();
            } else if (!name.isEmpty() && !name.equals(".")) {
                segments.addLast(name);
            }
        }
        return List.copyOf(segments);
    }

    private static String decodeOnce(String path) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        byte[] raw = path.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            int high = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int low = high >= 0 ? Character.digit(raw[i + 2], 16) : -1;
            if (low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
