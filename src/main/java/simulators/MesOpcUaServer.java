package simulators;

import mraos.plant.PlantModel;
import mraos.security.ApplicationCertificate;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.nodes.factories.NodeFactory;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateStore;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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

  /** A machine's values and when they were set. */
  record Reported(Status status, Instant at) {
  }

  private final int port;
  private final Options options;
  private final ApplicationCertificate certificate;
  /** Machine id → its latest values; what a restarted server starts from. Guarded by this. */
  private final Map<String, Reported> values = new LinkedHashMap<>();
  private OpcUaServer server;
  private MesStatusNamespace namespace;

  private MesOpcUaServer(int port, Collection<String> machines, Options options, ApplicationCertificate certificate) {
    this.port = port;
    this.options = options;
    this.certificate = certificate;
    Instant now = now();
    new LinkedHashSet<>(machines).forEach(id -> values.put(id, new Reported(Status.idle(), now)));
  }

  /**
   * Starts a server for these machines, each Idle.
   *
   * @param port the port to listen on, 0 for any free one
   */
  public static MesOpcUaServer start(int port, Collection<String> machines, Options options) throws Exception {
    Objects.requireNonNull(machines);
    Objects.requireNonNull(options);
    List<String> dnsNames = List.of("localhost");
    List<String> ipAddresses = List.of("127.0.0.1");
    ApplicationCertificate certificate = options.certificateDir() == null
        ? ApplicationCertificate.create(APPLICATION_URI, "MRAOS MES simulator", dnsNames, ipAddresses)
        : ApplicationCertificate.loadOrCreate(options.certificateDir().resolve("server.p12"),
            options.keystorePassword().toCharArray(), APPLICATION_URI, "MRAOS MES simulator", dnsNames, ipAddresses);
    MesOpcUaServer mes = new MesOpcUaServer(port == 0 ? freePort(options.host()) : port, machines, options, certificate);
    mes.startServer();
    return mes;
  }

  /** {@code opc.tcp://<host>:<port>/mes} */
  public String url() {
    return "opc.tcp://" + options.host() + ":" + port + PATH;
  }

  public int port() {
    return port;
  }

  public X509Certificate certificate() {
    return certificate.certificate();
  }

  public synchronized boolean running() {
    return server != null;
  }

  public synchronized List<String> machines() {
    return List.copyOf(values.keySet());
  }

  /** Sets all of a machine's status values at once, LastUpdateTimestamp now; subscribers see the change. */
  public void setStatus(String machineId, Status status) {
    setStatus(machineId, status, now());
  }

  /** The same, with the time the MES saw the change (source timestamp and LastUpdateTimestamp). */
  public synchronized void setStatus(String machineId, Status status, Instant at) {
    Objects.requireNonNull(status);
    if (!values.containsKey(machineId)) {
      throw new IllegalArgumentException("The MES simulator has no machine " + machineId + "; it has " + values.keySet());
    }
    Reported reported = new Reported(status, at.truncatedTo(ChronoUnit.MILLIS));
    values.put(machineId, reported);
    if (namespace != null) {
      namespace.show(machineId, reported);
    }
  }

  public synchronized Status status(String machineId) {
    Reported reported = values.get(machineId);
    if (reported == null) {
      throw new IllegalArgumentException("The MES simulator has no machine " + machineId);
    }
    return reported.status();
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
    // Milo caches type hierarchies JVM-wide; one built while an earlier server of this JVM was shutting down lacks
    // nodes and breaks the session diagnostics of the next (the client does not care, the log does)
    List.of(NodeIds.SessionDiagnosticsObjectType, NodeIds.SessionDiagnosticsVariableType, NodeIds.SessionSecurityDiagnosticsType,
        NodeIds.SubscriptionDiagnosticsType).forEach(NodeFactory::invalidateCachedIdh);
    OpcUaServer created = new OpcUaServer(serverConfig(), profile -> {
      if (profile != TransportProfile.TCP_UASC_UABINARY) {
        throw new IllegalArgumentException("The MES simulator speaks opc.tcp only, not " + profile);
      }
      return new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build());
    });
    MesStatusNamespace createdNamespace = new MesStatusNamespace(created, options.namespaceUri(), new LinkedHashMap<>(values));
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

  private OpcUaServerConfig serverConfig() throws Exception {
    return OpcUaServerConfig.builder()
        .setApplicationUri(APPLICATION_URI)
        .setApplicationName(LocalizedText.english("MRAOS MES simulator"))
        .setProductUri(APPLICATION_URI)
        .setBuildInfo(new BuildInfo(APPLICATION_URI, "MRAOS", "MES OPC UA simulator", OpcUaServer.SDK_VERSION, "", DateTime.now()))
        .setEndpoints(endpoints())
        .setCertificateManager(certificateManager())
        .setIdentityValidator(identityValidator())
        .build();
  }

  /** Anonymous only where None is offered: the discovery endpoint of a secured server must not let anyone in. */
  private IdentityValidator identityValidator() {
    UsernameIdentityValidator login = new UsernameIdentityValidator(challenge ->
        options.username().equals(challenge.getUsername()) && options.password().equals(challenge.getPassword()));
    if (options.username().isEmpty()) {
      return AnonymousIdentityValidator.INSTANCE;
    }
    return options.anonymousNone() ? new CompositeValidator(AnonymousIdentityValidator.INSTANCE, login) : login;
  }

  private Set<EndpointConfig> endpoints() {
    EndpointConfig.Builder base = EndpointConfig.newBuilder()
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
        .setBindAddress(options.host())
        .setHostname(options.host())
        .setBindPort(port)
        .setPath(PATH)
        .setCertificate(certificate.certificate());
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    if (options.anonymousNone()) {
      endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
          .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS).build());
    } else {
      // OPC UA Part 6: a server whose endpoints are all secured offers discovery at <path>/discovery without security
      endpoints.add(base.copy().setPath(PATH + "/discovery").setSecurityPolicy(SecurityPolicy.None)
          .setSecurityMode(MessageSecurityMode.None).build());
    }
    if (!options.username().isEmpty()) {
      endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
          .setSecurityMode(MessageSecurityMode.SignAndEncrypt)
          .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME).build());
    }
    return endpoints;
  }

  /** Its own certificate; every client certificate trusted (logged), since login is what the simulator checks. */
  private DefaultCertificateManager certificateManager() throws Exception {
    MemoryCertificateStore store = new MemoryCertificateStore();
    store.set(NodeIds.RsaSha256ApplicationCertificateType, new CertificateStore.Entry(certificate.keyPair().getPrivate(),
        new X509Certificate[] {certificate.certificate()}));
    RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
      @Override
      protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) throws Exception {
        return new X509Certificate[] {ApplicationCertificate.selfSigned(keyPair, APPLICATION_URI, "MRAOS MES simulator",
            List.of("localhost"), List.of("127.0.0.1"))};
      }
    };
    CertificateValidator trustAll = (chain, applicationUri, hostnames) ->
        LOG.debug("MES simulator: accepting client certificate {}", chain.isEmpty() ? "(none)" : chain.get(0).getSubjectX500Principal());
    DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(), store, factory, trustAll);
    return new DefaultCertificateManager(new MemoryCertificateQuarantine(), group);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The demo: the plant model's machines (or those named), values drifting every few seconds. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !args[0].matches("\\d{1,5}")) {
      System.err.println("Usage: java -cp \"target/mraos.jar:target/lib/*\" simulators.MesOpcUaServer <port> [machine ...]\n"
          + "  0 = any free port; no machines: those of conf/plant.yaml. Environment: MES_OPCUA_USERNAME and\n"
          + "  MES_OPCUA_PASSWORD offer SignAndEncrypt; MES_OPCUA_HOST (default 127.0.0.1); MES_OPCUA_NAMESPACE_URI (default\n"
          + "  urn:mraos:mes); MES_OPCUA_CERTIFICATE_DIR and MES_OPCUA_KEYSTORE_PASSWORD keep the certificate (default: in memory)");
      System.exit(2);
      return;
    }
    List<String> machines = args.length > 1 ? List.of(args).subList(1, args.length)
        : PlantModel.load(Path.of("conf/plant.yaml")).machines().stream().map(PlantModel.Machine::id).toList();
    Map<String, String> env = System.getenv();
    Options options = Options.of(env.getOrDefault("MES_OPCUA_NAMESPACE_URI", "urn:mraos:mes"))
        .withHost(env.getOrDefault("MES_OPCUA_HOST", "127.0.0.1"));
    String username = env.getOrDefault("MES_OPCUA_USERNAME", "");
    if (!username.isBlank()) {
      options = options.withLogin(username, env.getOrDefault("MES_OPCUA_PASSWORD", ""));
    }
    String certificateDir = env.getOrDefault("MES_OPCUA_CERTIFICATE_DIR", "");
    if (!certificateDir.isBlank()) {
      options = options.withCertificateDir(Path.of(certificateDir), env.getOrDefault("MES_OPCUA_KEYSTORE_PASSWORD", ""));
    }
    MesOpcUaServer mes = start(Integer.parseInt(args[0]), machines, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mes.stop();
      stopped.countDown();
    }, "mes-opcua-simulator-shutdown"));
    System.out.println("MES OPC UA simulator at " + mes.url() + " for " + machines + " (" + options + ")\n"
        + "  MRAOS: MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_URL=" + mes.url()
        + (username.isBlank() ? "" : " MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_SECURITY_MODE=SignAndEncrypt"
            + " MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_USERNAME=" + username + " MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_PASSWORD=...")
        + " java -jar target/mraos.jar");
    Drift drift = new Drift(mes, new Random());
    while (!stopped.await(3, TimeUnit.SECONDS)) {
      drift.step();
    }
  }

  /** Moves one machine's values a little, the way a running line would. */
  private record Drift(MesOpcUaServer mes, Random random) {

    private static final String[] STATUSES = {"Running", "Running", "Running", "Idle", "Stopped", "Faulted"};

    void step() {
      List<String> machines = mes.machines();
      if (machines.isEmpty()) {
        return;
      }
      String machine = machines.get(random.nextInt(machines.size()));
      Status was = mes.status(machine);
      String status = random.nextInt(5) == 0 ? STATUSES[random.nextInt(STATUSES.length)] : was.currentStatus();
      boolean running = status.equals("Running");
      String workOrder = was.currentWorkOrderId().isEmpty() ? "WO-" + (4600 + random.nextInt(100)) : was.currentWorkOrderId();
      mes.setStatus(machine, new Status(status,
          running ? 60 + random.nextInt(400) / 10.0 : 0.0,
          workOrder,
          was.unitsProducedThisCycle() + (running ? 1 : 0),
          running ? 40 + random.nextInt(100) / 10.0 : was.cycleTimeSeconds(),
          was.downtimeSeconds() + (running ? 0 : 3)));
    }
  }
}
