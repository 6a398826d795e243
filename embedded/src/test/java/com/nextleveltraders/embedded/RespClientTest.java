package com.nextleveltraders.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespClientTest {

    @Test
    void parsesEachReplyType() throws IOException {
        assertThat(read("+OK\r\n")).isEqualTo("OK");
        assertThat(read(":-42\r\n")).isEqualTo(-42L);
        assertThat(read("$5\r\nhello\r\n")).isEqualTo("hello");
        assertThat(read("$0\r\n\r\n")).isEqualTo("");
        assertThat(read("$-1\r\n")).isNull();
        assertThat(read("*-1\r\n")).isNull();
        assertThat(read("*0\r\n")).isEqualTo(List.of());
    }

    @Test
    void bulkStringsMayHoldLineBreaksAndUtf8() throws IOException {
        assertThat(read("$7\r\na\r\nb\u00e9c\r\n")).isEqualTo("a\r\nb\u00e9c");
    }

    @Test
    void parsesNestedArraysLikeClusterSlots() throws IOException {
        Object reply = read("*1\r\n*3\r\n:0\r\n:5460\r\n*3\r\n$9\r\n127.0.0.1\r\n:7000\r\n$3\r\nabc\r\n");
        assertThat(reply).isEqualTo(List.of(List.of(0L, 5460L, List.of("127.0.0.1", 7000L, "abc"))));
    }

    @Test
    void readsRepliesOneAfterAnother() throws IOException {
        InputStream in = stream("+OK\r\n*2\r\n$-1\r\n:1\r\n$1\r\nx\r\n");
        assertThat(RespClient.read(in)).isEqualTo("OK");
        assertThat(RespClient.read(in)).isEqualTo(Arrays.asList(null, 1L));
        assertThat(RespClient.read(in)).isEqualTo("x");
    }

    @Test
    void errorsAreThrownWithTheirMessage() {
        assertThatThrownBy(() -> read("-MOVED 3999 127.0.0.1:7001\r\n"))
                .isInstanceOf(RespClient.ErrorReply.class)
                .hasMessage("MOVED 3999 127.0.0.1:7001");
    }

    @Test
    void anErrorInsideAnArrayIsThrownAfterTheWholeArrayWasRead() throws IOException {
        InputStream in = stream("*2\r\n-ERR nope\r\n:1\r\n+NEXT\r\n");
        assertThatThrownBy(() -> RespClient.read(in)).isInstanceOf(RespClient.ErrorReply.class).hasMessage("ERR nope");
        assertThat(RespClient.read(in)).isEqualTo("NEXT");
    }

    @Test
    void truncatedOrForeignInputIsRefused() {
        assertThatThrownBy(() -> read("$5\r\nhel")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("+OK")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("HTTP/1.1 400\r\n")).isInstanceOf(IOException.class).hasMessageContaining("RESP2");
        assertThatThrownBy(() -> read("$x\r\n")).isInstanceOf(IOException.class);
    }

    @Test
    void infoFieldsSkipHeadersAndBlankLines() {
        String info = "# Replication\r\nrole:master\r\nconnected_slaves:1\r\n"
                + "slave0:ip=127.0.0.1,port=7001,state=online,offset=1,lag=0\r\n\r\n";
        assertThat(RespClient.fields(info)).containsEntry("role", "master")
                .containsEntry("connected_slaves", "1")
                .containsEntry("slave0", "ip=127.0.0.1,port=7001,state=online,offset=1,lag=0")
                .hasSize(3);
    }

    private static Object read(String text) throws IOException {
        return RespClient.read(stream(text));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
