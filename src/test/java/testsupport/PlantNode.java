package testsupport;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import simulators.MesMqttPublisher;

import java.util.HashMap;
import java.util.Map;

/**
 * One node for a test class and what the plant's side of its tests needs around it, started before the first test and
 * stopped after the last (a JUnit 5 extension: {@code @RegisterExtension static final PlantNode plant = PlantNode.start()
 * .withMes("mes-x").withMaterial();}): the node with its configuration changes, a Vert.x of the test's own, an MQTT publisher
 * playing the MES, a material ERP has sent, and the lines running with their MQTT sessions up.
 */
public final class PlantNode implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, Object> overrides = new HashMap<>();
  private String mesClientId;
  private boolean withMaterial;
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

  @Override
  public void beforeAll(ExtensionContext context) {
    node = TestNode.start(overrides);
    vertx = Vertx.vertx();
    if (mesClientId != null) {
      mes = MesMqttPublisher.connect(vertx, node.config().mqtt().url(), mesClientId).await();
    }
    if (withMaterial) {
      material = Plant.seedMaterial(node);
    }
    node.awaitLines();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (mes != null) {
      mes.disconnect().otherwiseEmpty().await();
    }
    vertx.close().await();
    node.close();
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
}
