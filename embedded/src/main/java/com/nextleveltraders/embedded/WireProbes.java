package com.nextleveltraders.embedded;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Tiny protocol handshakes that prove the server on a port is really ours and really serving, without pulling JDBC or
 * a Redis client into main code.
 */
final class WireProbes {

    private static final int CONNECT_TIMEOUT_MS = 500;
    private static final int READ_TIMEOUT_MS = 2000;
    /** The PostgreSQL SSLRequest code: any postmaster answers it with one byte, 'S' or 'N', before authentication. */
    private static final int SSL_REQUEST_CODE = 80877103;

    private WireProbes() {
    }

    /**
     * True when a PostgreSQL postmaster answers an SSLRequest on the port. We then hang up; PostgreSQL deliberately
     * does not log connections dropped at that point, so probing leaves no noise.
     */
    static boolean postgresAnswers(String host, int port) {
        try (Socket socket = connect(host, port)) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST_CODE);
            out.flush();
            int answer = socket.getInputStream().read();
            return answer == 'N' || answer == 'S';
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends {@code AUTH password} then {@code PING} and returns the reply to PING (e.g. "+PONG", "-LOADING ..."). */
    static String redisPing(String host, int port, String password) throws IOException {
        try (Socket socket = connect(host, port)) {
            OutputStream out = socket.getOutputStream();
            out.write(resp("AUTH", password));
            out.write(resp("PING"));
            out.flush();
            InputStream in = socket.getInputStream();
            String auth = RespClient.readLine(in);
            if (!auth.equals("+OK")) {
                return auth;
            }
            return RespClient.readLine(in);
        }
    }

    /** A command as a RESP array of bulk strings. */
    static byte[] resp(String... words) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        buffer.writeBytes(("*" + words.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            buffer.writeBytes(bytes);
            buffer.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return buffer.toByteArray();
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
