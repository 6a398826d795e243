package com.nextleveltraders.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Just enough RESP to SET and GET in tests, authenticated or not. */
final class RedisTestClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    RedisTestClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
    }

    /** Sends a command and returns the reply: status/error lines as-is ("+OK", "-NOAUTH ..."), bulk strings bare. */
    String call(String... words) throws IOException {
        socket.getOutputStream().write(WireProbes.resp(words));
        String line = readLine();
        if (line.startsWith("$")) {
            int length = Integer.parseInt(line.substring(1));
            if (length < 0) {
                return null;
            }
            byte[] value = in.readNBytes(length + 2);
            return new String(value, 0, length, StandardCharsets.UTF_8);
        }
        return line;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
