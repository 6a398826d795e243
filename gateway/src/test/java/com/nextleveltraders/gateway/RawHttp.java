package com.nextleveltraders.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests written by hand over a socket, for request lines an HTTP client would tidy or refuse to send. */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * The whole answer, head and body, to {@code GET target} on a loopback port. The connection stays open
     * (closing it on request makes every answer wait for the server's linger): the answer ends after its
     * {@code content-length}.
     */
    static String get(int port, String target) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    return answer.toString(StandardCharsets.ISO_8859_1);
                }
                answer.write(next);
            }
            String head = answer.toString(StandardCharsets.ISO_8859_1);
            Matcher length = Pattern.compile("(?im)^content-length: *([0-9]+)").matcher(head);
            answer.write(length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes());
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
