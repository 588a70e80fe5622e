package verticles.mes;

import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Validates the MES server's certificate by trust on first use: the first certificate seen is written to a file and
 * trusted from then on; any other certificate is refused until an operator removes (or replaces) the file. MES
 * servers usually present self-signed certificates no CA vouches for, and this keeps a later impostor out without
 * making the operator copy certificates around before the first connection. Milo calls it on its own threads.
 */
final class TrustOnFirstUse implements CertificateValidator {

  private static final Logger LOG = LoggerFactory.getLogger(TrustOnFirstUse.class);

  private final Path file;
  /** Guarded by this. */
  private X509Certificate pinned;

  /** Reads the pinned certificate if there is one (blocking). */
  TrustOnFirstUse(Path file) throws UaException, IOException {
    this.file = file;
    this.pinned = Files.isRegularFile(file) ? CertificateUtil.decodeCertificate(Files.readAllBytes(file)) : null;
  }

  @Override
  public synchronized void validateCertificateChain(List<X509Certificate> chain, String applicationUri,
                                                    String[] validHostnames) throws UaException {
    if (chain == null || chain.isEmpty()) {
      throw new UaException(StatusCodes.Bad_SecurityChecksFailed, "the server presented no certificate");
    }
    X509Certificate presented = chain.get(0);
    try {
      presented.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new UaException(StatusCodes.Bad_CertificateTimeInvalid, "the server's certificate is not valid now: " + e.getMessage());
    }
    if (pinned == null) {
      pin(presented);
      return;
    }
    if (!Arrays.equals(encoded(pinned), encoded(presented))) {
      throw new UaException(StatusCodes.Bad_CertificateUntrusted, "the server presents another certificate (SHA-256 "
          + fingerprint(presented) + ") than the one trusted on first use (" + fingerprint(pinned) + "); remove " + file
          + " to trust the new one");
    }
  }

  private void pin(X509Certificate certificate) throws UaException {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".server", ".der");
      Files.write(temporary, encoded(certificate));
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UaException(StatusCodes.Bad_InternalError, "cannot keep the server's certificate in " + file + ": " + e.getMessage());
    }
    pinned = certificate;
    LOG.info("Trusting the OPC UA server certificate {} (SHA-256 {}) on first use; kept in {}",
        certificate.getSubjectX500Principal(), fingerprint(certificate), file);
  }

  private static byte[] encoded(X509Certificate certificate) throws UaException {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new UaException(StatusCodes.Bad_CertificateInvalid, e);
    }
  }

  static String fingerprint(X509Certificate certificate) throws UaException {
    try {
      return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(encoded(certificate)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new UaException(StatusCodes.Bad_InternalError, e);
    }
  }
}
