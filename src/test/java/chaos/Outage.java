package chaos;

import io.vertx.core.json.JsonObject;
import testsupport.Api;
import testsupport.NodeProcess;
import testsupport.Plant;
import testsupport.Tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the plant's callers and operators see while PostgreSQL is away (scenario 4), looked at as it lasts: ERP's
 * webhook (503 with Retry-After), each node's readiness, the integration status, and how many messages the lines hold
 * (bounded: a line takes no more than the broker's in-flight window, and stops reading once it holds its buffer).
 */
final class Outage {

  private final List<String> readiness = new ArrayList<>();
  private Api.Response webhook;
  private JsonObject status;
  private long mostHeld;

  private Outage() {
  }

  /** Watches for {@code length} (from now), then returns what it saw. */
  static Outage whilePostgresqlIsAway(ChaosRig rig, Tokens tokens, Duration length) throws InterruptedException {
    Outage outage = new Outage();
    Instant end = Instant.now().plus(length);
    boolean asked = false;
    while (Instant.now().isBefore(end)) {
      List<NodeProcess> live = rig.nodes.values().stream().filter(NodeProcess::alive).toList();
      outage.mostHeld = Math.max(outage.mostHeld, PlantCheck.mostHeld(live));
      if (!asked && Duration.between(Instant.now(), end).compareTo(length.minusSeconds(3)) < 0) {
        asked = true;
        NodeProcess node = live.get(0);
        outage.webhook = node.api.postJson("/api/v1/integrations/erp/work-orders", tokens.of("erp-connector"),
            Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"),
                Plant.bomLine(Plant.unique("MAT"), "A-1", "Panel", 1)));
        live.forEach(n -> outage.readiness.add(n.name + ": " + n.api.get("/health/ready", null)));
        Api.Response overview = node.api.get("/api/v1/integrations/status", tokens.of("supervisor"));
        outage.status = overview.status() == 200 ? overview.json() : new JsonObject().put("answer", overview.toString());
      }
      Thread.sleep(250);
    }
    return outage;
  }

  /** The webhook's answer, as the report shows it. */
  String webhook() {
    return webhook.status() + " with Retry-After " + webhook.header("Retry-After").orElse("(none)");
  }

  long mostHeld() {
    return mostHeld;
  }

  /** ERP is told to come back later, readiness is down for the database, and the integration status says why. */
  void assertSaidWhy() {
    assertThat(webhook.status()).as("ERP's webhook while PostgreSQL is away: %s", webhook).isEqualTo(503);
    assertThat(webhook.header("Retry-After")).as("its Retry-After").isPresent();
    assertThat(readiness).as("readiness of every node").isNotEmpty()
        .allSatisfy(r -> assertThat(r).contains("503").contains("database"));
    assertThat(status.encode()).as("the integration status names the cause").contains("PostgreSQL");
  }
}
