package com.nextleveltraders.embedded;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of a Redis client to bootstrap and watch our own servers (cluster setup, sentinel questions, replication
 * state) without a client library in main code. One connection, authenticated, one command at a time, RESP2.
 *
 * <p>Replies come back as Java values: simple and bulk strings as {@link String} (a null bulk string as null),
 * integers as {@link Long}, arrays as unmodifiable {@link List}s (nested as needed, a null array as null). An error
 * reply is thrown as {@link ErrorReply}, so that a refused setup step cannot pass unnoticed.
 */
final class RespClient implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 1000;
    private static final int READ_TIMEOUT_MS = 5000;
    /** Far above anything our servers answer; guards against allocating gigabytes for a corrupt length. */
    private static final int MAX_BULK = 64 * 1024 * 1024;

    /** The server answered with an error ("-ERR ...", "-MOVED ..."); the message is the reply without the dash. */
    static final class ErrorReply extends IOException {

        ErrorReply(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Connects to {@code host:port} and authenticates with {@code password} (no AUTH when it is null). */
    static RespClient connect(String host, int port, String password) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            RespClient client = new RespClient(socket);
            if (password != null) {
                client.call("AUTH", password);
            }
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connect, authenticate, one command, hang up. */
    static Object call(String host, int port, String password, String... command) throws IOException {
        try (RespClient client = connect(host, port, password)) {
            return client.call(command);
        }
    }

    /** Sends one command and returns its reply; an error reply is thrown as {@link ErrorReply}. */
    Object call(String... command) throws IOException {
        out.write(WireProbes.resp(command));
        out.flush();
        return read(in);
    }

    /** A command whose reply is a string (simple or bulk), or an integer, as text; null for a null reply. */
    String text(String... command) throws IOException {
        Object reply = call(command);
        if (reply instanceof List<?>) {
            throw new IOException(command[0] + " answered an array where text was expected");
        }
        return reply == null ? null : reply.toString();
    }

    /** A command whose reply is an array; null for a null array. */
    List<Object> list(String... command) throws IOException {
        Object reply = call(command);
        if (reply != null && !(reply instanceof List<?>)) {
            throw new IOException(command[0] + " answered '" + reply + "' where an array was expected");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) reply;
        return list;
    }

    /**
     * The {@code name:value} lines of an INFO or CLUSTER INFO reply; section headers and blank lines are skipped.
     */
    static Map<String, String> fields(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (info != null) {
            for (String line : info.split("\\R")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
        }
        return fields;
    }

    /** Reads one complete reply. */
    static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("connection closed before a reply");
        }
        String line = readLine(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ErrorReply(line);
            case ':' -> parseLong(line);
            case '$' -> readBulk(in, parseLength(line));
            case '*' -> readArray(in, parseLength(line));
            default -> throw new IOException("not a RESP2 reply (type byte 0x" + Integer.toHexString(type) + ")");
        };
    }

    private static String readBulk(InputStream in, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("bulk string cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<Object> readArray(InputStream in, int count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>(Math.min(count, 1024));
        IOException firstError = null;
        for (int i = 0; i < count; i++) {
            // An error nested in an array (EXEC, for one) is an element, not a failed call: keep reading so the
            // connection stays in step, then report it.
            try {
                items.add(read(in));
            } catch (ErrorReply e) {
                firstError = firstError == null ? e : firstError;
                items.add(null);
            }
        }
        if (firstError != null) {
            throw firstError;
        }
        return Collections.unmodifiableList(items);
    }

    private static int parseLength(String line) throws IOException {
        long length = parseLong(line);
        if (length < -1 || length > MAX_BULK) {
            throw new IOException("implausible RESP length " + length);
        }
        return (int) length;
    }

    private static long parseLong(String line) throws IOException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new IOException("not a RESP integer: '" + line + "'");
        }
    }

    /** A line up to CRLF, without it. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b != -1; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
        throw new EOFException("connection closed in the middle of a reply");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
