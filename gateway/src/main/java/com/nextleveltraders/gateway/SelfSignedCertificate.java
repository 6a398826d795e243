package com.nextleveltraders.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for local runs, made by the JDK's {@code keytool} (the JDK has no public
 * API to build certificates, and a library for it would be one more dependency for one call).
 * Written as PEM, the format users bring their own certificates in; the key file is readable by
 * its owner only.
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "nlt";
    private static final int VALIDITY_DAYS = 397; // the longest browsers accept for a server certificate

    /** Where a certificate and its key are. */
    public record PemFiles(Path certificate, Path privateKey) {
    }

    private SelfSignedCertificate() {
    }

    /**
     * Makes {@code dir/gateway.crt} and {@code dir/gateway.key} for {@code names} (DNS names such as
     * {@code *.nextleveltraders.com}) plus localhost and the loopback addresses, unless both exist.
     */
    public static PemFiles ensure(Path dir, List<String> names) throws IOException, InterruptedException {
        Path certificate = dir.resolve("gateway.crt");
        Path key = dir.resolve("gateway.key");
        if (Files.isRegularFile(certificate) && Files.isRegularFile(key)) {
            return new PemFiles(certificate, key);
        }
        Files.createDirectories(dir);
        Path store = dir.resolve("gateway-keystore.p12");
        Files.deleteIfExists(store);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        List<String> san = new ArrayList<>();
        for (String name : names) {
            san.add("dns:" + name);
        }
        san.add("dns:localhost");
        san.add("ip:127.0.0.1");
        san.add("ip:::1");
        String cn = names.isEmpty() ? "localhost" : names.get(0);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-validity", Integer.toString(VALIDITY_DAYS), "-dname", "CN=" + cn + ", O=NextLevel Traders",
                "-ext", "SAN=" + String.join(",", san), "-keystore", store.toString(), "-storetype", "PKCS12",
                // The store password goes through the environment, not the command line others can read.
                "-storepass:env", "NLT_KEYSTORE_PASSWORD")
                .redirectErrorStream(true);
        builder.environment().put("NLT_KEYSTORE_PASSWORD", password);
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool could not make a self-signed certificate: " + output.strip());
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, password.toCharArray());
            }
            Key privateKey = keyStore.getKey(ALIAS, password.toCharArray());
            Certificate cert = keyStore.getCertificate(ALIAS);
            Path partialKey = dir.resolve("gateway.key.partial");
            Files.deleteIfExists(partialKey);
            Files.createFile(partialKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partialKey, pem("PRIVATE KEY", privateKey.getEncoded()));
            Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()));
            Files.move(partialKey, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate keytool made", e);
        } finally {
            Files.deleteIfExists(store);
        }
        return new PemFiles(certificate, key);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
