package simulators;

import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The MES's OPC UA side as MRAOS sees it (spec §4.2.1), for tests and the demo: a Milo server whose namespace holds,
 * per machine, the object {@code MES.Machines.<id>.Status} with the variables CurrentStatus (String),
 * UtilizationPercentage (Double), CurrentWorkOrderId (String), UnitsProducedThisCycle (Int32), CycleTimeSeconds
 * (Double), DowntimeSeconds (Int32) and LastUpdateTimestamp (String, ISO-8601), string node ids under
 * Objects/MES/Machines.
 *
 * <p>Endpoints at {@code opc.tcp://<host>:<port>/mes}: security None with anonymous login (unless turned off), and,
 * when a username is set, Basic256Sha256 + SignAndEncrypt with that username and password; a {@code /mes/discovery}
 * endpoint when None is off. The server's certificate is self-signed (BouncyCastle; SAN URI = the application URI,
 * IP 127.0.0.1, DNS localhost), made in memory or kept in a directory it is given. It trusts every client certificate
 * (a simulator has no trust list to maintain); login is what it checks.
 *
 * <p>{@link #restart()} stops it and starts a fresh server on the same port with the same certificate and the last
 * values: to a client it looks like the MES restarted (its sessions and subscriptions are gone).
 *
 * <p>Standalone for a demo (values drift every few seconds):
 * {@code java -cp "target/mraos.jar:target/lib/*" simulators.MesOpcUaServer 4840 [machine ...]}, with
 * {@code MES_OPCUA_USERNAME} and {@code MES_OPCUA_PASSWORD} set to offer SignAndEncrypt (see its usage for the rest).
 */
public final class MesOpcUaServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MesOpcUaServer.class);

  public static final String PATH = "/mes";
  public static final String APPLICATION_URI = "urn:mraos:mes-simulator";
  private static final long TIMEOUT_S = 30;

  /**
   * How the server is reached and secured.
   *
   * @param host the address it binds to and advertises
   * @param anonymousNone offer security None with anonymous login
   * @param username with {@code password}: offer Basic256Sha256 + SignAndEncrypt with this login; empty: do not
   * @param certificateDir where its certificate is kept (PKCS#12, {@code server.p12}); null: in memory only
   * @param keystorePassword the password of that keystore
   */
  public record Options(String namespaceUri, String host, boolean anonymousNone, String username, String password,
                        Path certificateDir, String keystorePassword) {

    public Options {
      Objects.requireNonNull(namespaceUri);
      Objects.requireNonNull(host);
      username = username == null ? "" : username;
      password = password == null ? "" : password;
      if (!anonymousNone && username.isEmpty()) {
        throw new IllegalArgumentException("A server without anonymous None needs a username to let anyone in");
      }
      if (certificateDir != null && (keystorePassword == null || keystorePassword.isEmpty())) {
        throw new IllegalArgumentException("A certificate kept in a directory needs a keystore password");
      }
    }

    /** Security None, anonymous login, on 127.0.0.1, certificate in memory. */
    public static Options of(String namespaceUri) {
      return new Options(namespaceUri, "127.0.0.1", true, "", "", null, null);
    }

    /** Also offer Basic256Sha256 + SignAndEncrypt with this login. */
    public Options withLogin(String username, String password) {
      return new Options(namespaceUri, host, anonymousNone, username, password, certificateDir, keystorePassword);
    }

    /** Offer only the secured endpoint (as a production MES would). */
    public Options withoutAnonymousNone() {
      return new Options(namespaceUri, host, false, username, password, certificateDir, keystorePassword);
    }

    public Options withCertificateDir(Path dir, String keystorePassword) {
      return new Options(namespaceUri, host, anonymousNone, username, password, dir, keystorePassword);
    }

    public Options withHost(String host) {
      return new Options(namespaceUri, host, anonymousNone, username, password, certificateDir, keystorePassword);
    }

    @Override
    public String toString() {
      return "Options[" + namespaceUri + ", " + host + (anonymousNone ? ", None" : "")
          + (username.isEmpty() ? "" : ", SignAndEncrypt as " + username) + "]";
    }
  }

  /** One machine's status values (LastUpdateTimestamp is set when they are). */
  public record Status(String currentStatus, double utilizationPercentage, String currentWorkOrderId,
                       int unitsProducedThisCycle, double cycleTimeSeconds, int downtimeSeconds) {

    public Status {
      Objects.requireNonNull(currentStatus);
      currentWorkOrderId = currentWorkOrderId == null ? "" : currentWorkOrderId;
    }

    /** What a machine reports before anything happened. */
    public static Status idle() {
      return new Status("Idle", 0.0, "", 0, 0.0, 0);
    }
  }

  private final Options options;
  private final MesServerSetup setup;
  /** The machines' latest values; what a restarted server starts from. Guarded by this. */
  private final MachineStatuses values;
  private OpcUaServer server;
  private MesStatusNamespace namespace;

  private MesOpcUaServer(MesServerSetup setup, Collection<String> machines, Options options) {
    this.setup = setup;
    this.options = options;
    values = new MachineStatuses(machines);
  }

  /**
   * Starts a server for these machines, each Idle.
   *
   * @param port the port to listen on, 0 for any free one
   */
  public static MesOpcUaServer start(int port, Collection<String> machines, Options options) throws Exception {
    Objects.requireNonNull(machines);
    Objects.requireNonNull(options);
    MesOpcUaServer mes = new MesOpcUaServer(MesServerSetup.of(port, options), machines, options);
    mes.startServer();
    return mes;
  }

  /** {@code opc.tcp://<host>:<port>/mes} */
  public String url() {
    return "opc.tcp://" + options.host() + ":" + setup.port() + PATH;
  }

  public int port() {
    return setup.port();
  }

  public X509Certificate certificate() {
    return setup.certificate();
  }

  public synchronized boolean running() {
    return server != null;
  }

  public synchronized List<String> machines() {
    return values.machines();
  }

  /** Sets all of a machine's status values at once, LastUpdateTimestamp now; subscribers see the change. */
  public void setStatus(String machineId, Status status) {
    setStatus(machineId, status, Instant.now());
  }

  /** The same, with the time the MES saw the change (source timestamp and LastUpdateTimestamp). */
  public synchronized void setStatus(String machineId, Status status, Instant at) {
    MachineStatuses.Reported reported = values.set(machineId, status, at);
    if (namespace != null) {
      namespace.show(machineId, reported);
    }
  }

  public synchronized Status status(String machineId) {
    return values.status(machineId);
  }

  /** Stops serving (clients lose their sessions); {@link #restart()} brings it back on the same port. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      namespace.shutdown();
      server.shutdown().get(TIMEOUT_S, TimeUnit.SECONDS);
      LOG.info("MES OPC UA simulator stopped ({})", url());
    } catch (Exception e) {
      LOG.warn("MES OPC UA simulator did not stop cleanly: {}", e.getMessage());
    } finally {
      server = null;
      namespace = null;
    }
  }

  /** A new server on the same port, certificate and values: the MES restarted. */
  public synchronized void restart() throws Exception {
    stop();
    startServer();
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void startServer() throws Exception {
    if (server != null) {
      return;
    }
    OpcUaServer created = setup.newServer();
    MesStatusNamespace createdNamespace = new MesStatusNamespace(created, options.namespaceUri(), values.snapshot());
    createdNamespace.startup();
    try {
      created.startup().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      createdNamespace.shutdown();
      created.shutdown();
      throw e;
    }
    server = created;
    namespace = createdNamespace;
    LOG.info("MES OPC UA simulator at {} ({} machines, {})", url(), values.size(), options);
  }

  /** The demo: the plant model's machines (or those named), values drifting every few seconds ({@link MesOpcUaDemo}). */
  public static void main(String[] args) throws Exception {
    MesOpcUaDemo.run(args);
  }
}
