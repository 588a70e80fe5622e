package simulators;

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
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static simulators.MesOpcUaServer.APPLICATION_URI;
import static simulators.MesOpcUaServer.PATH;

/**
 * How the MES simulator's Milo server is reached and secured, as {@link MesOpcUaServer} describes it: its port, its
 * application certificate, the endpoints its {@link MesOpcUaServer.Options} ask for and the logins it accepts.
 */
final class MesServerSetup {

  private static final Logger LOG = LoggerFactory.getLogger(MesServerSetup.class);

  private static final String APPLICATION_NAME = "MRAOS MES simulator";
  private static final List<String> DNS_NAMES = List.of("localhost");
  private static final List<String> IP_ADDRESSES = List.of("127.0.0.1");

  private final int port;
  private final MesOpcUaServer.Options options;
  private final ApplicationCertificate certificate;

  private MesServerSetup(int port, MesOpcUaServer.Options options, ApplicationCertificate certificate) {
    this.port = port;
    this.options = options;
    this.certificate = certificate;
  }

  /** The set-up for this port (0: a free one, chosen now, so that a restart comes back on it) and its certificate. */
  static MesServerSetup of(int port, MesOpcUaServer.Options options) throws Exception {
    ApplicationCertificate certificate = options.certificateDir() == null
        ? ApplicationCertificate.create(APPLICATION_URI, APPLICATION_NAME, DNS_NAMES, IP_ADDRESSES)
        : ApplicationCertificate.loadOrCreate(options.certificateDir().resolve("server.p12"),
            options.keystorePassword().toCharArray(), APPLICATION_URI, APPLICATION_NAME, DNS_NAMES, IP_ADDRESSES);
    return new MesServerSetup(port == 0 ? freePort(options.host()) : port, options, certificate);
  }

  int port() {
    return port;
  }

  X509Certificate certificate() {
    return certificate.certificate();
  }

  /** A new server, not yet started, speaking opc.tcp only. */
  OpcUaServer newServer() throws Exception {
    // Milo caches type hierarchies JVM-wide; one built while an earlier server of this JVM was shutting down lacks
    // nodes and breaks the session diagnostics of the next (the client does not care, the log does)
    List.of(NodeIds.SessionDiagnosticsObjectType, NodeIds.SessionDiagnosticsVariableType, NodeIds.SessionSecurityDiagnosticsType,
        NodeIds.SubscriptionDiagnosticsType).forEach(NodeFactory::invalidateCachedIdh);
    return new OpcUaServer(serverConfig(), profile -> {
      if (profile != TransportProfile.TCP_UASC_UABINARY) {
        throw new IllegalArgumentException("The MES simulator speaks opc.tcp only, not " + profile);
      }
      return new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build());
    });
  }

  private OpcUaServerConfig serverConfig() throws Exception {
    return OpcUaServerConfig.builder()
        .setApplicationUri(APPLICATION_URI)
        .setApplicationName(LocalizedText.english(APPLICATION_NAME))
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
        return new X509Certificate[] {ApplicationCertificate.selfSigned(keyPair, APPLICATION_URI, APPLICATION_NAME,
            DNS_NAMES, IP_ADDRESSES)};
      }
    };
    CertificateValidator trustAll = (chain, applicationUri, hostnames) ->
        LOG.debug("MES simulator: accepting client certificate {}", chain.isEmpty() ? "(none)" : chain.get(0).getSubjectX500Principal());
    DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(), store, factory, trustAll);
    return new DefaultCertificateManager(new MemoryCertificateQuarantine(), group);
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
