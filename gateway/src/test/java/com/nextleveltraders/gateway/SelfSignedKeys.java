package com.nextleveltraders.gateway;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** The gateway's PEM certificate and key as a JDK key store, for a JDK TLS server in tests. */
final class SelfSignedKeys {

    static final char[] PASSWORD = "test".toCharArray();

    private SelfSignedKeys() {
    }

    static KeyStore load(SelfSignedCertificate.PemFiles files) throws Exception {
        String pem = Files.readString(files.privateKey());
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        Certificate cert;
        try (InputStream in = Files.newInputStream(files.certificate())) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("gateway", key, PASSWORD, new Certificate[] {cert});
        return store;
    }
}
