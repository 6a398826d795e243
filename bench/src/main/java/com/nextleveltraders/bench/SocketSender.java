package com.nextleveltraders.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Requests over one keep-alive HTTP/1.1 connection written and read by hand on a blocking socket:
 * the least CPU a client can spend per request, so that on a machine shared with the server the
 * load generator takes as little as possible from it. Understands Content-Length and chunked
 * bodies, reconnects after {@code connection: close}; nothing else of HTTP is needed here.
 */
final class SocketSender implements OrderSender {

    private static final int TIMEOUT_MILLIS = 30_000;

    private final InetSocketAddress address;
    private final String head;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** Orders: POST /api/orders with a session token and a JSON body. */
    SocketSender(URI base) {
        this(base, "POST /api/orders");
    }

    /**
     * {@code request} ("METHOD /path") on every call; a call with a null token sends no authorization,
     * one with an empty body no body (a GET).
     */
    SocketSender(URI base, String request) {
        this.address = new InetSocketAddress(base.getHost(), base.getPort());
        this.head = request + " HTTP/1.1\r\nhost: " + base.getHost() + ":" + base.getPort() + "\r\n";
    }

    @Override
    public int post(String token, byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        StringBuilder request = new StringBuilder(head.length() + 160).append(head);
        if (token != null) {
            request.append("authorization: Bearer ").append(token).append("\r\n");
        }
        if (body.length > 0) {
            request.append("content-type: application/json\r\ncontent-length: ").append(body.length).append("\r\n");
        }
        request.append("\r\n");
        try {
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body.length > 0) {
                out.write(body);
            }
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.connect(address, TIMEOUT_MILLIS);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = new BufferedOutputStream(s.getOutputStream(), 4 * 1024);
    }

    private int readResponse() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> closing = value.contains("close");
                default -> { }
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                skip(size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(length);
        }
        if (closing) {
            close();
        }
        return code;
    }

    private String line() throws IOException {
        StringBuilder text = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b != '\r') {
                text.append((char) b);
            }
        }
        return text.toString();
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed inside a body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
