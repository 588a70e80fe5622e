package verticles.mes;

import mraos.security.ApplicationCertificate;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MES server's certificate: trusted the first time, kept on disk, and no other accepted after it. */
class TrustOnFirstUseTest {

  @TempDir
  Path dir;

  @Test
  void firstCertificateIsPinnedAndAnotherIsRefusedEvenAfterARestart() throws Exception {
    X509Certificate genuine = certificate();
    X509Certificate other = certificate();
    Path file = dir.resolve("mes-main/server.der");

    new TrustOnFirstUse(file).validateCertificateChain(List.of(genuine), null, null);
    assertThat(file).isRegularFile();

    TrustOnFirstUse afterRestart = new TrustOnFirstUse(file);
    afterRestart.validateCertificateChain(List.of(genuine), null, null);
    assertThatThrownBy(() -> afterRestart.validateCertificateChain(List.of(other), null, null))
        .isInstanceOf(UaException.class)
        .satisfies(e -> assertThat(((UaException) e).getStatusCode().value()).isEqualTo(StatusCodes.Bad_CertificateUntrusted))
        .hasMessageContaining("another certificate").hasMessageContaining(file.toString());
  }

  private static X509Certificate certificate() throws Exception {
    return ApplicationCertificate.create("urn:mraos:mes-simulator", "MES", List.of("localhost"), List.of("127.0.0.1")).certificate();
  }
}
