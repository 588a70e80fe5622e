package testsupport;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import simulators.ErpSimulator;
import simulators.MesMqttPublisher;

import java.util.HashMap;
import java.util.Map;

/**
 * One node for a test class and what the plant's side of its tests needs around it, started before the first test and
 * stopped after the last (a JUnit 5 extension: {@code @RegisterExtension static final PlantNode plant = PlantNode.start()
 * .withMes("mes-x").withMaterial();}): the node with its configuration changes, a Vert.x of the test's own, an MQTT
 * publisher playing the MES (and then the lines running with their MQTT sessions up), a material ERP has sent, an ERP
 * simulator receiving the node's calls to ERP, and a reader of the dead-letter topic.
 */
public final class PlantNode implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, Object> overrides = new HashMap<>();
  private String mesClientId;
  private boolean withMaterial;
  private boolean withErp;
  private boolean withDeadLetters;
  private ErpSimulator erp;
  private KafkaTopic deadLetters;
  private TestNode node;
  private Vertx vertx;
  private MesMqttPublisher mes;
  private String material;

  private PlantNode() {
  }

  public static PlantNode start() {
    return new PlantNode();
  }

  /** The node runs with this configuration key changed. */
  public PlantNode with(String key, Object value) {
    overrides.put(key, value);
    return this;
  }

  /** An MQTT publisher with this client id plays the MES (counts, inspections, downtime). */
  public PlantNode withMes(String clientId) {
    this.mesClientId = clientId;
    return this;
  }

  /** ERP sends a material of the test's own first (work orders need known materials). */
  public PlantNode withMaterial() {
    this.withMaterial = true;
    return this;
  }

  /**
   * An ERP simulator answers the node's calls to ERP, looked for every 100 ms ({@code erp.base-url},
   * {@code outbound.poll-interval}; {@link #with} overrides either). Calls an earlier class left pending are set aside
   * before the node starts.
   */
  public PlantNode withErp() {
    this.withErp = true;
    return this;
  }

  /** A reader of the dead-letter topic ({@code integration-failures}) from its beginning. */
  public PlantNode withDeadLetters() {
    this.withDeadLetters = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
    Map<String, Object> config = new HashMap<>();
    if (withErp) {
      erp = ErpSimulator.start(vertx, 0).await();
      config.put("erp.base-url", erp.baseUrl());
      config.put("outbound.poll-interval", "100ms");
      setAsideLeftoverCalls();
    }
    config.putAll(overrides);
    node = TestNode.start(config);
    if (withDeadLetters) {
      deadLetters = new KafkaTopic(node.config().kafka().bootstrapServers(), "integration-failures");
    }
    if (withMaterial) {
      material = Plant.seedMaterial(node);
    }
    if (mesClientId != null) {
      mes = MesMqttPublisher.connect(vertx, node.config().mqtt().url(), mesClientId).await();
      node.awaitLines(); // what the MES publishes from now on reaches a line
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (deadLetters != null) {
      deadLetters.close();
    }
    if (mes != null) {
      mes.disconnect().otherwiseEmpty().await();
    }
    node.close();
    vertx.close().await();
  }

  /**
   * The test database is shared by every class of the run: calls an earlier class left pending (for a simulator that
   * is gone) would be sent to this class's ERP and use up its scripted faults. They are set aside before a node starts.
   */
  public static void setAsideLeftoverCalls() {
    var config = TestServices.get().nodeConfig();
    Db db = new Db(config.database().url(), config.database().user(), config.database().password());
    try {
      db.exec("UPDATE outbound_messages SET status = 'failed', last_error = 'set aside by a later test class'"
          + " WHERE status = 'pending'");
    } catch (IllegalStateException noSchemaYet) {
      // the first node of the run creates the schema: nothing can be left over yet
    }
  }

  public TestNode node() {
    return node;
  }

  public Vertx vertx() {
    return vertx;
  }

  public MesMqttPublisher mes() {
    return mes;
  }

  public String material() {
    return material;
  }

  public ErpSimulator erp() {
    return erp;
  }

  public KafkaTopic deadLetters() {
    return deadLetters;
  }
}
