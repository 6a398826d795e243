package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nextleveltraders.testkit.Polling;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public port: TLS 1.2 and 1.3 only, HTTP/2, plain HTTP for loopback only. */
class GatewayTlsTest {

    private static TestBackend backend;
    private static GatewayServer gateway;
    private static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        // The JDK disables TLS 1.0 and 1.1 by default; this module's test JVM enables them
        // (src/test/resources/tls-legacy-client.security), so that the refusals below are the
        // gateway's, not this client's. The control test shows the client really offers TLS 1.1.
        backend = new TestBackend("b1");
        gateway = TestGateway.start("", "host: 0.0.0.0, slowStart: 0s");
        gateway.addBackend("b1", "127.0.0.1", backend.port(), "fra1");
        await(() -> gateway.backends().getFirst().state() == HealthTracker.State.UP);
        trusting = trustingOnly(TestGateway.certificate().certificate());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void tls11IsRefusedAndTls12And13AreAccepted() throws Exception {
        assertThatThrownBy(() -> handshake("TLSv1.1")).isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake("TLSv1")).isInstanceOf(SSLHandshakeException.class);
        assertThat(handshake("TLSv1.2")).isEqualTo("TLSv1.2");
        assertThat(handshake("TLSv1.3")).isEqualTo("TLSv1.3");
    }

    @Test
    void theSameClientSettingsReachTls11OnAServerThatAllowsIt() throws Exception {
        // The control for the refusal above: this client really offers TLS 1.1 and completes it
        // where the server allows it (the JDK's own server, configured for 1.1 only).
        KeyStore keys = SelfSignedKeys.load(TestGateway.certificate());
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, SelfSignedKeys.PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) serverContext
                .getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.1"});
            Thread accept = Thread.ofPlatform().start(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                    socket.getInputStream().read();
                } catch (Exception ignored) {
                    // the client side reports what happened
                }
            });
            try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1",
                    server.getLocalPort())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.1"});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.1");
            }
            accept.join(5000);
        }
    }

    @Test
    void httpsSpeaksHttp2AndForwardsToTheInstance() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + gateway.port() + "/echo")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("b1");
        // The instance is told who the client was and that it came over HTTPS; and it gets the
        // secret that tells it the rate limit was applied already.
        var seen = backend.headersSeen.getLast();
        assertThat(seen).containsEntry("x-forwarded-proto", "https").containsEntry("x-nlt-gateway-secret",
                TestGateway.SECRET);
        assertThat(seen.get("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    @Test
    void plainHttpServesLoopbackClientsAndRedirectsOthersToHttps() throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> local = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/echo")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.body()).isEqualTo("b1");

        InetAddress external = nonLoopbackAddress();
        int before = backend.served.get();
        HttpResponse<String> remote = client.send(HttpRequest.newBuilder(
                URI.create("http://" + external.getHostAddress() + ":" + gateway.port() + "/echo?x=1"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(remote.statusCode()).isEqualTo(308);
        assertThat(remote.headers().firstValue("location")).contains(
                "https://" + external.getHostAddress() + ":" + gateway.port() + "/echo?x=1");
        assertThat(backend.served.get()).as("nothing forwarded over plain HTTP from the network").isEqualTo(before);
    }

    @Test
    void theInstancesMetricsAreNotServedOnThePublicPort() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(404);
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aClientSuppliedGatewaySecretIsReplaced() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/echo"))
                .header("x-nlt-gateway-secret", "forged").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(backend.headersSeen.getLast()).containsEntry("x-nlt-gateway-secret", TestGateway.SECRET);
    }

    private static String handshake(String protocol) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5000);
            socket.setEnabledProtocols(new String[] {protocol});
            SSLParameters parameters = socket.getSSLParameters();
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    static SSLContext trustingOnly(java.nio.file.Path certificate) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("gateway", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        throw new AssertionError("this test needs a non-loopback IPv4 address on the machine");
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Polling.until(Duration.ofSeconds(20), Duration.ofMillis(20), "the condition holds",
                () -> condition.getAsBoolean() ? null : "not yet");
    }

}
