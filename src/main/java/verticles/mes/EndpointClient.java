package verticles.mes;

import io.vertx.core.Context;
import io.vertx.core.Future;
import mraos.security.ApplicationCertificate;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * Opens a Milo client session to one MES endpoint without blocking: discovers the server's endpoints, picks the one
 * matching the configured security (None, or Basic256Sha256 + SignAndEncrypt) and login (anonymous or username),
 * and connects. Once connected, Milo keeps the session alive and re-establishes it by itself.
 *
 * @param certificate the client's application certificate; null for security None
 * @param serverTrust validates the server's certificate; null for security None
 */
record EndpointClient(String url, boolean signAndEncrypt, String username, String password, String applicationUri,
                      ApplicationCertificate certificate, CertificateValidator serverTrust, Duration requestTimeout,
                      Duration keepAlive) {

  EndpointClient {
    Objects.requireNonNull(url);
    if (signAndEncrypt && (certificate == null || serverTrust == null)) {
      throw new IllegalArgumentException("SignAndEncrypt needs a client certificate and a way to trust the server");
    }
  }

  /**
   * A connected client, its session activity reported to {@code sessions} (on Milo's threads). The future completes
   * on {@code context}; when it fails, nothing is left open.
   */
  Future<OpcUaClient> connect(Context context, SessionActivityListener sessions) {
    CompletableFuture<OpcUaClient> connected = discover()
        .thenCompose(endpoints -> {
          OpcUaClient client;
          try {
            client = OpcUaClient.create(clientConfig(select(endpoints)), this::transport);
          } catch (UaException e) {
            return CompletableFuture.failedFuture(e);
          }
          client.addSessionActivityListener(sessions);
          return client.connectAsync().handle((ok, error) -> {
            if (error == null) {
              return CompletableFuture.completedFuture(client);
            }
            // Milo would keep retrying a refused session by itself; the caller decides when to try again
            client.removeSessionActivityListener(sessions);
            return client.disconnectAsync().handle((c, ignored) -> (OpcUaClient) null)
                .thenCompose(c -> CompletableFuture.<OpcUaClient>failedFuture(error));
          }).thenCompose(f -> f);
        });
    return Future.fromCompletionStage(connected, context);
  }

  /** The server's endpoints; like Milo's own client, tries {@code <url>/discovery} when the url itself does not answer. */
  private CompletableFuture<List<EndpointDescription>> discover() {
    return DiscoveryClient.getEndpoints(url, this::transport).handle((endpoints, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(endpoints);
      }
      String discoveryUrl = url.endsWith("/") ? url + "discovery" : url + "/discovery";
      return DiscoveryClient.getEndpoints(discoveryUrl, this::transport)
          .handle((fallback, ignored) -> {
            if (fallback != null) {
              return fallback;
            }
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
          });
    }).thenCompose(f -> f);
  }

  private void transport(OpcTcpClientTransportConfigBuilder transport) {
    transport.setConnectTimeout(uint(requestTimeout.toMillis()));
  }

  private EndpointDescription select(List<EndpointDescription> endpoints) throws UaException {
    SecurityPolicy policy = signAndEncrypt ? SecurityPolicy.Basic256Sha256 : SecurityPolicy.None;
    MessageSecurityMode mode = signAndEncrypt ? MessageSecurityMode.SignAndEncrypt : MessageSecurityMode.None;
    UserTokenType login = username.isEmpty() ? UserTokenType.Anonymous : UserTokenType.UserName;
    Optional<EndpointDescription> match = endpoints.stream()
        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
        .filter(e -> tokenTypes(e).anyMatch(login::equals))
        .findFirst();
    if (match.isEmpty()) {
      throw new UaException(StatusCodes.Bad_ConfigurationError, "the server offers no " + policy.name() + "/" + mode
          + " endpoint with " + login + " login; it offers " + endpoints.stream()
          .map(e -> e.getSecurityPolicyUri().replaceAll(".*#", "") + "/" + e.getSecurityMode() + " "
              + tokenTypes(e).map(String::valueOf).collect(Collectors.joining("+")))
          .distinct().collect(Collectors.joining(", ")));
    }
    // servers advertise the hostname they know themselves by, which this node may not resolve: keep the configured one
    return EndpointUtil.updateUrl(match.get(), EndpointUtil.getHost(url), EndpointUtil.getPort(url));
  }

  private static Stream<UserTokenType> tokenTypes(EndpointDescription endpoint) {
    UserTokenPolicy[] tokens = endpoint.getUserIdentityTokens();
    return tokens == null ? Stream.empty() : Stream.of(tokens).map(UserTokenPolicy::getTokenType);
  }

  private OpcUaClientConfig clientConfig(EndpointDescription endpoint) {
    IdentityProvider identity = username.isEmpty() ? AnonymousProvider.INSTANCE
        : serverTrust == null ? new UsernameProvider(username, password)
        : new UsernameProvider(username, password, serverTrust);
    OpcUaClientConfigBuilder builder = OpcUaClientConfig.builder()
        .setEndpoint(endpoint)
        .setApplicationName(LocalizedText.english("MRAOS"))
        .setApplicationUri(applicationUri)
        .setProductUri("urn:mraos")
        .setIdentityProvider(identity)
        .setRequestTimeout(uint(requestTimeout.toMillis()))
        // the session's own keep-alive notices a silent server even while no subscription data flows
        .setKeepAliveInterval(uint(keepAlive.toMillis()))
        .setKeepAliveTimeout(uint(requestTimeout.toMillis()));
    if (certificate != null) {
      builder.setKeyPair(certificate.keyPair())
          .setCertificate(certificate.certificate())
          .setCertificateChain(new java.security.cert.X509Certificate[] {certificate.certificate()})
          .setCertificateValidator(serverTrust);
    }
    return builder.build();
  }

  /** A failure as an operator reads it: the OPC UA status name and its description, without wrapper exceptions. */
  static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    Optional<UaException> ua = UaException.extract(cause);
    if (ua.isPresent()) {
      long code = ua.get().getStatusCode().value();
      String name = StatusCodes.lookup(code).map(d -> d[0]).orElse(ua.get().getStatusCode().toString());
      String message = ua.get().getMessage();
      return message == null || message.contains(name) ? String.valueOf(message) : name + ": " + message;
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
