package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * An MES message that became a dead letter (stale, unknown machine) is retried from the dead-letter review, as it was or
 * corrected: its line's actor applies it once (the age rule is the admin's to waive), or the retry fails with the
 * line's reason and the failure goes back to review; a retry never makes a second dead letter.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MesDeadLetterRetryTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-retry-test").withMaterial();

  static final String API = "/api/v1/integration-failures";

  static TestNode node;
  static Vertx vertx;
  static MesMqttPublisher mes;
  static String material;

  @BeforeAll
  static void start() {
    node = plant.node();
    vertx = plant.vertx();
    mes = plant.mes();
    material = plant.material();
  }

  @Test
  void aStaleCountRetriedIsAppliedOnceAndTheFailureResolved() {
    String id = order("M-203");
    mes.publish(countTopic("line2", "M-203"), count("M-203", id, Instant.now().minus(Duration.ofMinutes(10)), 3, 3)).await();
    String failure = deadLetter(id);
    assertThat(produced(id)).isZero();

    Response retried = retry(failure, null);

    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("resolved");
    assertThat(retried.json().getJsonObject("result").getString("line_id")).isEqualTo("line2");
    assertThat(produced(id)).isEqualTo(3);
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", id)).isEqualTo(1);
    assertThat(retry(failure, null).status()).as("a resolved failure cannot be retried").isEqualTo(409);
    assertThat(failures(id)).as("no second dead letter").isEqualTo(1);
  }

  @Test
  void aCountForAnUnknownMachineCorrectedToTheRightMachineIsApplied() {
    String id = order("M-201");
    mes.publish(countTopic("line2", "M-999"), count("M-999", id, Instant.now(), 2, 2)).await();
    String failure = deadLetter(id);

    JsonObject corrected = new JsonObject().put("topic", countTopic("line2", "M-201"))
        .put("payload", count("M-201", id, Instant.now(), 2, 2));
    Response retried = retry(failure, corrected);

    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("resolved");
    assertThat(produced(id)).isEqualTo(2);
    assertThat(node.db.value("SELECT machine_id FROM production_logs WHERE work_order_id = ?", id)).isEqualTo("M-201");
  }

  @Test
  void aRetryTheLineStillRefusesGoesBackToReviewWithTheReasonAndNoNewDeadLetter() {
    String id = order("M-203");
    mes.publish(countTopic("line2", "M-999"), count("M-999", id, Instant.now(), 1, 1)).await();
    String failure = deadLetter(id);

    Response asItWas = retry(failure, null);
    assertThat(asItWas.status()).as(asItWas.toString()).isEqualTo(200);
    assertThat(asItWas.json().getString("status")).isEqualTo("pending_manual_review");
    assertThat(asItWas.json().getJsonObject("result").getString("error")).contains("Machine M-999 is not known");

    JsonObject unknownOrder = new JsonObject().put("topic", countTopic("line2", "M-203"))
        .put("payload", count("M-203", "WO-NOWHERE-" + id, Instant.now(), 1, 1));
    Response noSuchOrder = retry(failure, unknownOrder);
    assertThat(noSuchOrder.json().getString("status")).as(noSuchOrder.toString()).isEqualTo("pending_manual_review");
    assertThat(noSuchOrder.json().getJsonObject("result").getString("error")).contains("WO-NOWHERE-" + id).contains("not known");

    JsonObject noSuchLine = new JsonObject().put("topic", countTopic("line9", "M-901"))
        .put("payload", count("M-901", id, Instant.now(), 1, 1));
    Response elsewhere = retry(failure, noSuchLine);
    assertThat(elsewhere.json().getString("status")).as(elsewhere.toString()).isEqualTo("pending_manual_review");
    assertThat(elsewhere.json().getJsonObject("result").getString("error")).contains("line9").contains("not running");

    Response notAnMesMessage = retry(failure, new JsonObject().put("machine_id", "M-203"));
    assertThat(notAnMesMessage.json().getJsonObject("result").getString("error")).contains("topic");

    assertThat(produced(id)).isZero();
    assertThat(failures(id)).as("refused retries make no new dead letter").isEqualTo(1);
    assertThat(node.db.count("SELECT count(*) FROM integration_failures WHERE original_message::text LIKE ?",
        "%WO-NOWHERE-" + id + "%")).isZero();
    JsonObject state = node.api.get(API + "/" + failure, node.token("supervisor")).json();
    assertThat(state.getInteger("retry_count")).isEqualTo(4);
    assertThat(state.getJsonArray("actions").stream().map(a -> ((JsonObject) a).getString("action")))
        .contains("retry", "edit_and_retry", "retry_failed");
  }

  /** A work order a supervisor started on the machine. */
  private static String order(String machine) {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 20));
    event.getJsonObject("work_order").put("quantity_ordered", 10);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().getString("mraos_work_order_id");
    Plant.start(node, id, machine);
    return id;
  }

  /** The dead letter the MES message about work order {@code id} became. */
  private static String deadLetter(String id) {
    await("dead letter").atMost(Duration.ofSeconds(10)).until(() -> failures(id) == 1);
    return (String) node.db.value("SELECT failure_id FROM integration_failures WHERE integration_type = 'mes_production_count'"
        + " AND original_message::text LIKE ?", "%" + id + "%");
  }

  private static long failures(String id) {
    return node.db.count("SELECT count(*) FROM integration_failures WHERE integration_type = 'mes_production_count'"
        + " AND original_message::text LIKE ?", "%" + id + "%");
  }

  private static Response retry(String failure, JsonObject corrected) {
    JsonObject body = new JsonObject().put("note", "checked with the line");
    if (corrected != null) {
      body.put("payload", corrected);
    }
    return node.api.postJson(API + "/" + failure + "/retry", node.token("supervisor"), body);
  }

  private static long produced(String id) {
    return ((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).longValue();
  }
}
