package mraos.security;

import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OPC UA application instance certificate: an RSA 2048 key pair and a self-signed certificate whose subject
 * alternative names carry the application URI (OPC UA checks it against the application's description) and the
 * hostnames it is reached by. Blocking (key generation, file I/O): call it off the event loop.
 */
public record ApplicationCertificate(KeyPair keyPair, X509Certificate certificate) {

  private static final Logger LOG = LoggerFactory.getLogger(ApplicationCertificate.class);
  private static final String ALIAS = "opcua-application";
  private static final int RSA_BITS = 2048;

  public ApplicationCertificate {
    Objects.requireNonNull(keyPair);
    Objects.requireNonNull(certificate);
  }

  /** A new key pair and self-signed certificate (nothing is written anywhere). */
  public static ApplicationCertificate create(String applicationUri, String commonName, List<String> dnsNames,
                                              List<String> ipAddresses) throws Exception {
    KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(RSA_BITS);
    return new ApplicationCertificate(keyPair, selfSigned(keyPair, applicationUri, commonName, dnsNames, ipAddresses));
  }

  /** A self-signed certificate (SHA256withRSA, BouncyCastle) for an existing key pair. */
  public static X509Certificate selfSigned(KeyPair keyPair, String applicationUri, String commonName, List<String> dnsNames,
                                           List<String> ipAddresses) throws Exception {
    SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(keyPair)
        .setCommonName(commonName)
        .setOrganization("MRAOS")
        .setApplicationUri(applicationUri);
    dnsNames.forEach(builder::addDnsName);
    ipAddresses.forEach(builder::addIpAddress);
    return builder.build();
  }

  /**
   * The certificate kept in {@code keystore} (PKCS#12), or a new one written there when the file does not exist yet or
   * holds a certificate for another application URI.
   */
  public static ApplicationCertificate loadOrCreate(Path keystore, char[] password, String applicationUri, String commonName,
                                                    List<String> dnsNames, List<String> ipAddresses) throws Exception {
    if (Files.isRegularFile(keystore)) {
      Optional<ApplicationCertificate> stored = load(keystore, password);
      if (stored.isPresent() && stored.get().applicationUri().equals(Optional.of(applicationUri))) {
        return stored.get();
      }
      LOG.warn("{} holds no certificate for {}; creating a new one", keystore, applicationUri);
    }
    ApplicationCertificate created = create(applicationUri, commonName, dnsNames, ipAddresses);
    created.store(keystore, password);
    LOG.info("Created the OPC UA application certificate of {} in {}", applicationUri, keystore);
    return created;
  }

  public Optional<String> applicationUri() {
    return CertificateUtil.getSanUri(certificate);
  }

  private static Optional<ApplicationCertificate> load(Path keystore, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    }
    Key key = store.getKey(ALIAS, password);
    Certificate certificate = store.getCertificate(ALIAS);
    if (!(key instanceof PrivateKey privateKey) || !(certificate instanceof X509Certificate x509)) {
      return Optional.empty();
    }
    return Optional.of(new ApplicationCertificate(new KeyPair(x509.getPublicKey(), privateKey), x509));
  }

  /** Written to a temporary file and moved into place, so a crash never leaves half a keystore. */
  private void store(Path keystore, char[] password) throws Exception {
    Path dir = keystore.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, password);
    store.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new Certificate[] {certificate});
    Path temporary = Files.createTempFile(dir, ".client", ".p12");
    try {
      ownerOnly(temporary);
      try (OutputStream out = Files.newOutputStream(temporary)) {
        store.store(out, password);
      }
      Files.move(temporary, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The private key is nobody else's business. On a file system without POSIX permissions it cannot be restricted
   * here: the operator is told so, and the node goes on (the directory's own protection is then what keeps it).
   */
  private static void ownerOnly(Path file) {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      LOG.warn("The file system of {} has no POSIX permissions: restrict access to this private key by other means", file);
      return;
    }
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (java.io.IOException e) {
      LOG.warn("Could not restrict the permissions of the private key {} to its owner: {}", file, e.getMessage());
    }
  }
}
