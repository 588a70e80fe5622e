package testsupport;

import mraos.config.MraosConfig;
import mraos.node.Node;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** An MRAOS node started against the shared test services, with the clients a test needs to talk to it. */
public final class TestNode implements AutoCloseable {

  public final TestServices services;
  public final Node node;
  public final Api api;
  public final Db db;
  public final Tokens tokens;
  /** The integration status, as a supervisor reads it. */
  public final Status status;

  private TestNode(TestServices services, Node node) {
    this.services = services;
    this.node = node;
    MraosConfig config = node.config();
    this.api = new Api(config.http().port());
    this.db = new Db(config.database().url(), config.database().user(), config.database().password());
    this.tokens = new Tokens(services.issuer);
    this.status = new Status(api, () -> tokens.of("supervisor"));
  }

  public static TestNode start() {
    return start(Map.of());
  }

  /** Starts a node with these configuration keys changed, and waits until it reports ready. */
  public static TestNode start(Map<String, Object> overrides) {
    return start(overrides, java.time.Clock.systemUTC());
  }

  /** The same, with the clock the node's verticles read. */
  public static TestNode start(Map<String, Object> overrides, java.time.Clock clock) {
    TestServices services = TestServices.get();
    try {
      TestNode node = new TestNode(services, Node.start(services.nodeConfig(overrides), clock));
      node.awaitReady();
      return node;
    } catch (Exception e) {
      throw new IllegalStateException("Node did not start: " + e.getMessage(), e);
    }
  }

  /** Wraps a node a test started itself (e.g. one that is not meant to become ready). */
  public static TestNode wrap(TestServices services, Node node) {
    return new TestNode(services, node);
  }

  public void awaitReady() {
    await("node ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> api.get("/health/ready", null).status() == 200);
  }

  /** Waits until the plant's lines run with their MQTT sessions up (a count published before would find no session). */
  public void awaitLines() {
    status.awaitUp(Status.LINES.toArray(String[]::new));
  }

  /** The singletons this node runs now. */
  public java.util.Set<String> singletonsHere() {
    return new java.util.TreeSet<>(mraos.health.NodeStatus.singletons(node.vertx()));
  }

  public String token(String clientId) {
    return tokens.of(clientId);
  }

  public MraosConfig config() {
    return node.config();
  }

  @Override
  public void close() {
    node.close();
  }
}
