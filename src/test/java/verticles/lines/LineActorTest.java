package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import mraos.events.Addresses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.KafkaTopic;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * A line's actor applying what the MES reports (spec §4.2.1, §10.2 MES tests 1–3): counts (progress, completion at
 * 100%, a redelivery counted once), inspections, downtime (alert), machine status from OPC UA (mapped, reflected within
 * a second), and what must become a dead letter (unknown machine, stale or broken messages, unknown work order).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LineActorTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-test").withMaterial();

  static TestNode node;
  static Vertx vertx;
  static MesMqttPublisher mes;
  static final List<JsonObject> live = new CopyOnWriteArrayList<>();
  static MessageConsumer<JsonObject> feed;
  static String material;

  @BeforeAll
  static void start() {
    node = plant.node();
    vertx = plant.vertx();
    mes = plant.mes();
    material = plant.material();
    feed = node.node.vertx().eventBus().<JsonObject>consumer(Addresses.LIVE, m -> live.add(m.body()));
    feed.completion().await();
  }

  /** A sample's value on /metrics, or -1 when it is not there. */
  static double metricValue(String metrics, String sample) {
    return metrics.lines().filter(l -> l.startsWith(sample + " ")).mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1)))
        .findFirst().orElse(-1);
  }

  /** A work order a supervisor started on the machine. */
  static String order(int quantity, String machine) {
    String id = order(quantity);
    Plant.start(node, id, machine);
    return id;
  }

  static String order(int quantity) {
    JsonObject event = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP"), Plant.bomLine(material, "A-1", "Panel", 2 * quantity));
    event.getJsonObject("work_order").put("quantity_ordered", quantity);
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"), event);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    return created.json().getString("mraos_work_order_id");
  }

  @Test
  void hundredUnitsMakeProgressAndCompleteTheOrderWhichIsReportedToErp() {
    String id = order(100, "M-203");
    Instant start = Instant.now();
    for (int i = 1; i <= 100; i++) {
      mes.publish(countTopic("line2", "M-203"), count("M-203", id, start.plusMillis(i), 1, i)).await();
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(node.db.value(
        "SELECT status FROM work_orders WHERE work_order_id = ?", id)));
    Map<String, Object> row = node.db.rows("SELECT * FROM work_orders WHERE work_order_id = ?", id).get(0);
    assertThat(((BigDecimal) row.get("quantity_produced")).intValue()).isEqualTo(100);
    assertThat(((BigDecimal) row.get("progress_percentage")).intValue()).isEqualTo(100);
    assertThat(row).containsEntry("line_id", "line2").containsEntry("machine_id", "M-203").containsEntry("completed_by", "mes");
    assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", id)).isEqualTo(100);
    assertThat(node.db.count("SELECT count(*) FROM outbound_messages WHERE integration_type = 'erp_completion_report'"
        + " AND reference_id = ?", id)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> live.stream().anyMatch(e -> "work_order_completed".equals(e.getString("type"))
        && id.equals(e.getJsonObject("data").getString("mraos_work_order_id"))));
    assertThat(live).anyMatch(e -> "work_order_progress".equals(e.getString("type"))
        && id.equals(e.getJsonObject("data").getString("mraos_work_order_id")));
    try (KafkaTopic workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders")) {
      workOrders.await(e -> "work_order.progress".equals(e.getJsonObject("payload").getString("event_type"))
          && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id")), Duration.ofSeconds(20));
    }
  }

  @Test
  void countsForSeveralOrdersArrivingTogetherAreEachCountedAndEachReportProgress() {
    // published without waiting for one another: they meet in one batch (one statement for the counts, one for the
    // progress events of the three orders) or a few; either way each order is counted and its progress reported
    List<String> ids = List.of(order(1000, "M-101"), order(1000, "M-102"), order(1000, "M-103"));
    List<String> machines = List.of("M-101", "M-102", "M-103");
    Instant start = Instant.now();
    List<io.vertx.core.Future<Integer>> sent = new java.util.ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      for (int k = 0; k < 3; k++) {
        sent.add(mes.publish(countTopic("line1", machines.get(k)), count(machines.get(k), ids.get(k), start.plusMillis(i), 1, i)));
      }
    }
    io.vertx.core.Future.all(sent).await();
    for (String id : ids) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ((BigDecimal) node.db.value(
          "SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).intValue() == 20);
      assertThat(node.db.count("SELECT count(*) FROM production_logs WHERE work_order_id = ?", id)).isEqualTo(20);
    }
    // the batches' sizes are on /metrics: these 60 counts (and whatever earlier tests sent to line1) in fewer batches
    String metrics = node.api.get("/metrics", null).body();
    assertThat(metricValue(metrics, "mraos_mes_batch_messages_sum{line=\"line1\"}")).isGreaterThanOrEqualTo(60);
    assertThat(metricValue(metrics, "mraos_mes_batch_messages_count{line=\"line1\"}")).isPositive();
    // counts-only batches go through the node's count writer
    assertThat(metricValue(metrics, "mraos_mes_count_statement_batches_count")).isPositive();
    try (KafkaTopic workOrders = new KafkaTopic(node.config().kafka().bootstrapServers(), "work-orders")) {
      for (String id : ids) {
        workOrders.await(e -> "work_order.progress".equals(e.getJsonObject("payload").getString("event_type"))
            && id.equals(e.getJsonObject("payload").getJsonObject("work_order").getString("mraos_work_order_id"))
            && e.getJsonObject("payload").getJsonObject("work_order").getInteger("quantity_produced") == 20, Duration.ofSeconds(20));
      }
    }
  }

  @Test
  void aBatchWritesTheProgressEventsOfItsOrdersInOneStatement() {
    String first = order(1000, "M-101");
    String second = order(1000, "M-102");
    Instant now = Instant.now();
    List<MesMessage> batch = List.of(
        new MesMessage.Count("M-101", first, now, 2, 2, "pass", BigDecimal.ONE),
        new MesMessage.Count("M-102", second, now, 3, 3, "pass", BigDecimal.ONE),
        new MesMessage.Count("M-101", first, now.plusMillis(1), 1, 3, "pass", BigDecimal.ONE));
    LineBatch.Context context = context(now);
    io.vertx.sqlclient.Pool pool = mraos.db.Database.pool(vertx, node.config().database());
    try {
      // applied and read back in one transaction that is then rolled back, before the relay could take the events
      List<JsonObject> events = pool.withConnection(conn -> conn.begin().compose(tx -> conn
          .query("SELECT coalesce(max(event_id), 0) AS last FROM outbox_events").execute()
          .compose(before -> LineBatch.apply(conn, context, batch, Map.of(), new java.util.HashSet<>())
              .compose(outcome -> conn.preparedQuery("SELECT topic, message_key, envelope FROM outbox_events WHERE event_id > $1"
                  + " ORDER BY event_id").execute(io.vertx.sqlclient.Tuple.of(before.iterator().next().getLong("last")))))
          .map(rows -> {
            List<JsonObject> list = new java.util.ArrayList<>();
            rows.forEach(r -> list.add(new JsonObject().put("topic", r.getString("topic")).put("key", r.getString("message_key"))
                .put("envelope", r.getJsonObject("envelope"))));
            return list;
          })
          .eventually(() -> tx.rollback()))).await();
      assertThat(events).extracting(e -> e.getString("key")).containsExactlyInAnyOrder(first, second);
      assertThat(events).allMatch(e -> e.getString("topic").equals("work-orders"));
      assertThat(events).allMatch(e -> e.getJsonObject("envelope").getJsonObject("payload").getJsonObject("work_order")
          .getInteger("quantity_produced") == 3);
    } finally {
      pool.close().await();
    }
  }

  /** A line's batch context as the line makes it, with the node's work orders and dead letters, every event due. */
  private static LineBatch.Context context(Instant now) {
    return new LineBatch.Context("line1", now, "resource-status", mraos.workorders.WorkOrders.on(vertx, node.config()),
        mraos.failures.DeadLetters.of(node.config()), Map.of(), ProgressThrottle.EVERY_BATCH, 0, List.of());
  }

  @Test
  void aProgressEventWrittenByTheCountsStatementIsTheEnvelopeMraosWrites() {
    String first = order(8, "M-101"); // 3 of 8: 37.5 %, a progress that is not a whole number
    String second = order(1000, "M-102");
    Instant now = Instant.now();
    List<MesMessage> batch = List.of(
        new MesMessage.Count("M-101", first, now, 2, 2, "pass", BigDecimal.ONE),
        new MesMessage.Count("M-102", second, now, 3, 3, "pass", new BigDecimal("12.5")),
        new MesMessage.Count("M-101", first, now, 2, 2, "pass", BigDecimal.ONE), // the same, delivered again
        new MesMessage.Count("M-101", first, now.plusMillis(1), 1, 3, "pass", BigDecimal.ONE));
    assertThat(LineBatch.countsOnly(batch, java.util.Set.of(first, second))).isTrue();
    assertThat(LineBatch.countsOnly(batch, java.util.Set.of(first))).isFalse();
    io.vertx.sqlclient.Pool pool = mraos.db.Database.pool(vertx, node.config().database());
    try {
      JsonObject written = written(pool, conn -> LineBatch.apply(conn, context(now), batch, Map.of(), new java.util.HashSet<>()),
          first, second);
      assertThat(written.getJsonArray("events")).hasSize(2);
      assertThat(written.getJsonObject("outcome").getJsonArray("live")).hasSize(2);
      assertThat(written.getJsonObject("outcome").getJsonArray("completions_due")).isEmpty();
      // each event: Envelope.wrap around {"event_type": "work_order.progress", "work_order": the figures the live feed
      // shows}, but for its message id (unique per event by design)
      for (int i = 0; i < 2; i++) {
        JsonObject envelope = written.getJsonArray("events").getJsonObject(i).getJsonObject("envelope");
        JsonObject figures = written.getJsonObject("outcome").getJsonArray("live").getJsonObject(i).getJsonObject("data");
        JsonObject expected = mraos.events.Envelope.wrap(now, mraos.events.Envelope.PLANT_SUBSCRIBERS, null,
            new JsonObject().put("event_type", "work_order.progress").put("work_order", figures));
        assertThat(envelope.remove("message_id").toString()).matches("msg_\\d{8}_\\d{6}_[0-9a-f]{12}");
        expected.remove("message_id");
        assertThat(envelope).isEqualTo(expected);
      }
      JsonObject firstEvent = written.getJsonArray("events").stream().map(JsonObject.class::cast)
          .filter(e -> e.getString("key").equals(first)).findFirst().orElseThrow();
      assertThat(firstEvent.getJsonObject("envelope").getJsonObject("payload").getJsonObject("work_order")
          .getValue("progress_percentage")).isEqualTo(37.5);
    } finally {
      pool.close().await();
    }
  }

  /** What {@code apply} wrote and returned, read back in its transaction, which is then rolled back. */
  private static JsonObject written(io.vertx.sqlclient.Pool pool,
                                    java.util.function.Function<io.vertx.sqlclient.SqlConnection, io.vertx.core.Future<LineBatch.Outcome>> apply,
                                    String... orders) {
    return pool.withConnection(conn -> conn.begin().compose(tx -> conn
        .query("SELECT coalesce(max(event_id), 0) AS last FROM outbox_events").execute()
        .compose(before -> apply.apply(conn).compose(outcome -> conn.preparedQuery(
                "SELECT topic, message_key, envelope FROM outbox_events WHERE event_id > $1 ORDER BY message_key")
            .execute(io.vertx.sqlclient.Tuple.of(before.iterator().next().getLong("last")))
            .map(events -> {
              io.vertx.core.json.JsonArray e = new io.vertx.core.json.JsonArray();
              events.forEach(r -> e.add(new JsonObject().put("topic", r.getString("topic")).put("key", r.getString("message_key"))
                  .put("envelope", r.getJsonObject("envelope"))));
              io.vertx.core.json.JsonArray live = new io.vertx.core.json.JsonArray();
              outcome.live().stream().sorted(java.util.Comparator.comparing(j -> j.getJsonObject("data")
                  .getString("mraos_work_order_id"))).forEach(live::add);
              return new JsonObject().put("events", e).put("outcome", new JsonObject()
                  .put("live", live).put("completions_due", new io.vertx.core.json.JsonArray(List.copyOf(outcome.completionsDue()))));
            })))
        .eventually(() -> tx.rollback()))).await();
  }

  @Test
  void aRedeliveredCountIsCountedOnce() {
    String id = order(50, "M-201");
    JsonObject once = count("M-201", id, Instant.now(), 3, 3);

    mes.publish(countTopic("line2", "M-201"), once).await();
    mes.publish(countTopic("line2", "M-201"), once).await(); // what QoS 1 redelivery looks like to MRAOS
    mes.publish(countTopic("line2", "M-201"), count("M-201", id, Instant.now().plusMillis(5), 2, 5)).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM production_logs WHERE work_order_id = ?", id) == 2);
    assertThat(((BigDecimal) node.db.value("SELECT quantity_produced FROM work_orders WHERE work_order_id = ?", id)).intValue())
        .isEqualTo(5);
  }

  @Test
  void aBreakdownSetsTheMachineDownRecordsItAndAlertsTheSupervisor() {
    String id = order(10);
    Instant at = Instant.now();

    mes.publish(MesMqttPublisher.downtimeTopic("line2", "M-202"),
        MesMqttPublisher.downtime("M-202", at, true, "MECH_FAULT", "Hydraulic system pressure drop", id)).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> "breakdown".equals(node.db.value(
        "SELECT current_status FROM machines WHERE machine_id = 'M-202'")));
    Map<String, Object> history = node.db.rows("SELECT * FROM machine_status_history WHERE machine_id = 'M-202'"
        + " AND reason_code = 'MECH_FAULT' ORDER BY history_id DESC LIMIT 1").get(0);
    assertThat(history).containsEntry("status", "breakdown").containsEntry("work_order_id", id).containsEntry("source", "mqtt");
    Map<String, Object> alert = node.db.rows("SELECT * FROM alerts WHERE machine_id = 'M-202' AND work_order_id = ?", id).get(0);
    assertThat(alert).containsEntry("severity", "high").containsEntry("alert_type", "machine_breakdown");
    assertThat(alert.get("message").toString()).contains("Hydraulic system pressure drop").contains(id);
    await().atMost(Duration.ofSeconds(5)).until(() -> live.stream().anyMatch(e -> "alert".equals(e.getString("type"))
        && id.equals(e.getJsonObject("data").getString("work_order_id"))));
    try (KafkaTopic status = new KafkaTopic(node.config().kafka().bootstrapServers(), "resource-status")) {
      status.await(e -> "downtime.started".equals(e.getJsonObject("payload").getString("event_type"))
          && id.equals(e.getJsonObject("payload").getJsonObject("machine").getString("work_order_affected")), Duration.ofSeconds(20));
    }

    mes.publish(MesMqttPublisher.downtimeTopic("line2", "M-202"),
        MesMqttPublisher.downtime("M-202", at.plusSeconds(1), false, "MECH_FAULT", "repaired", id)).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> "idle".equals(node.db.value(
        "SELECT current_status FROM machines WHERE machine_id = 'M-202'")));
  }

  @Test
  void aDefectFoundByInspectionCountsAgainstTheOrderAndAlerts() {
    String id = order(10, "M-203");

    mes.publish(MesMqttPublisher.inspectionTopic("line2", "M-203"),
        MesMqttPublisher.inspection("M-203", id, Instant.now(), Plant.unique("INS"), false, null)).await();
    String defective = Plant.unique("INS");
    JsonObject defect = MesMqttPublisher.inspection("M-203", id, Instant.now(), defective, true, "cosmetic damage");
    mes.publish(MesMqttPublisher.inspectionTopic("line2", "M-203"), defect).await();
    mes.publish(MesMqttPublisher.inspectionTopic("line2", "M-203"), defect).await(); // redelivered

    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM quality_inspections WHERE work_order_id = ?", id) == 2);
    Map<String, Object> quality = node.db.rows(
        "SELECT inspections_passed, inspections_failed, defect_count FROM work_orders WHERE work_order_id = ?", id).get(0);
    assertThat(quality).containsEntry("inspections_passed", 1).containsEntry("inspections_failed", 1).containsEntry("defect_count", 1);
    assertThat(node.db.count("SELECT count(*) FROM alerts WHERE alert_type = 'quality_defect' AND work_order_id = ?", id))
        .isEqualTo(1);
  }

  @Test
  void aMachineStatusFromOpcUaIsReflectedWithinASecondWithTheMesNamesMapped() {
    long sent = System.nanoTime();
    node.node.vertx().eventBus().send(Addresses.lineMachineStatus("line1"), new JsonObject().put("machine_id", "M-101")
        .put("current_status", "Producing").put("utilization_percentage", 85.2).put("current_work_order_id", "WO-4600")
        .put("units_produced_this_cycle", 12).put("cycle_time_seconds", 45.3).put("downtime_seconds", 0)
        .put("source_timestamp", Instant.now().toString()).put("source", "opcua").put("endpoint", "mes-main"));

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> "running".equals(node.db.value(
        "SELECT current_status FROM machines WHERE machine_id = 'M-101'")));
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(1));
    assertThat(((BigDecimal) node.db.value("SELECT utilization_percentage FROM machines WHERE machine_id = 'M-101'")).doubleValue())
        .isEqualTo(85.2);

    node.node.vertx().eventBus().send(Addresses.lineMachineStatus("line1"), new JsonObject().put("machine_id", "M-101")
        .put("current_status", "Faulted").put("source_timestamp", Instant.now().toString()).put("source", "opcua"));
    await().atMost(Duration.ofSeconds(5)).until(() -> "breakdown".equals(node.db.value(
        "SELECT current_status FROM machines WHERE machine_id = 'M-101'")));
    assertThat(node.db.count("SELECT count(*) FROM alerts WHERE machine_id = 'M-101' AND alert_type = 'machine_breakdown'"))
        .isPositive();
    assertThat(node.db.count("SELECT count(*) FROM machine_status_history WHERE machine_id = 'M-101' AND status = 'breakdown'"
        + " AND previous_status = 'running' AND source = 'opcua'")).isPositive();
  }

  @Test
  void aStatusSnapshotOlderThanTheStatusHeldArrivesLateAndIsNotApplied() {
    Instant down = Instant.now();
    mes.publish(MesMqttPublisher.downtimeTopic("line3", "M-302"),
        MesMqttPublisher.downtime("M-302", down, true, "ELEC_FAULT", "Drive tripped", null)).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> "breakdown".equals(machineStatus("M-302")));

    // OPC UA's batch, sampled before the breakdown, comes in after it: the machine stays down, nothing is recorded
    long history = node.db.count("SELECT count(*) FROM machine_status_history WHERE machine_id = 'M-302'");
    node.node.vertx().eventBus().send(Addresses.lineMachineStatus("line3"), new JsonObject().put("machine_id", "M-302")
        .put("current_status", "Producing").put("utilization_percentage", 91.0)
        .put("source_timestamp", down.minusSeconds(20).toString()).put("source", "opcua").put("endpoint", "mes-main"));
    // a later snapshot (after the repair) is applied: it shows the late one was taken and passed over, not still queued
    node.node.vertx().eventBus().send(Addresses.lineMachineStatus("line3"), new JsonObject().put("machine_id", "M-302")
        .put("current_status", "Idle").put("utilization_percentage", 0.0)
        .put("source_timestamp", down.plusSeconds(30).toString()).put("source", "opcua").put("endpoint", "mes-main"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "idle".equals(machineStatus("M-302")));

    assertThat(node.db.count("SELECT count(*) FROM machine_status_history WHERE machine_id = 'M-302'")).isEqualTo(history + 1);
    assertThat(node.db.rows("SELECT status, previous_status FROM machine_status_history WHERE machine_id = 'M-302'"
        + " ORDER BY history_id DESC LIMIT 1").get(0)).as("the stale 'Producing' left no trace")
        .containsEntry("status", "idle").containsEntry("previous_status", "breakdown");
  }

  private static String machineStatus(String machine) {
    return (String) node.db.value("SELECT current_status FROM machines WHERE machine_id = ?", machine);
  }

  @Test
  void whatCannotBeAppliedBecomesADeadLetterWithTheReasonAndTheOriginal() {
    String id = order(10, "M-203");
    Instant now = Instant.now();

    mes.publish(countTopic("line2", "M-999"), count("M-999", id, now, 1, 1)).await();
    mes.publish(countTopic("line2", "M-203"), count("M-203", id, now.minus(Duration.ofMinutes(10)), 1, 1)).await();
    mes.publish(countTopic("line2", "M-203"), count("M-203", "WO-NOT-HERE", now, 1, 1)).await();
    mes.publish(countTopic("line2", "M-203"), Buffer.buffer("{not json")).await();
    JsonObject missingCycle = count("M-203", id, now, 1, 1);
    missingCycle.remove("cycle_time_seconds");
    missingCycle.remove("quality_status");
    mes.publish(countTopic("line2", "M-203"), missingCycle).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> node.db.count(
        "SELECT count(*) FROM production_logs WHERE work_order_id = ?", id) == 1);
    Map<String, Object> log = node.db.rows("SELECT * FROM production_logs WHERE work_order_id = ?", id).get(0);
    assertThat(((BigDecimal) log.get("cycle_time_seconds")).signum()).as("missing cycle time defaults to 0").isZero();
    assertThat(log).containsEntry("quality_status", "pass");
    await().atMost(Duration.ofSeconds(10)).until(() -> reasons().size() >= 4);
    assertThat(reasons()).anyMatch(r -> r.contains("Machine M-999 is not known"))
        .anyMatch(r -> r.contains("s away from now"))
        .anyMatch(r -> r.contains("Work order WO-NOT-HERE is not known"))
        .anyMatch(r -> r.contains("not JSON"));
    Map<String, Object> stale = node.db.rows("SELECT * FROM integration_failures WHERE integration_type = 'mes_production_count'"
        + " AND error_message LIKE '%s away from now%' ORDER BY timestamp DESC LIMIT 1").get(0);
    assertThat(stale).containsEntry("status", "pending_manual_review").containsEntry("external_system", "MES");
    assertThat(stale.get("original_message").toString()).contains("mes/production/line2/machine/M-203/count").contains(id);
  }

  private static List<String> reasons() {
    return node.db.rows("SELECT error_message FROM integration_failures WHERE integration_type = 'mes_production_count'")
        .stream().map(r -> r.get("error_message").toString()).toList();
  }
}
