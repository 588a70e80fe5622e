package mraos.outbound;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.outbound.OutboundFixture.Completed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import simulators.ErpSimulator;
import simulators.Fault;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static mraos.outbound.OutboundFixture.PATH;
import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.booked;
import static mraos.outbound.OutboundFixture.message;
import static mraos.outbound.OutboundFixture.outboundAudit;
import static mraos.outbound.OutboundFixture.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls owed to ERP live in PostgreSQL, not in a node: a retry pending when a node stops is made by the next node on
 * the same database, and delivered exactly once. And there is one outbound path per system in the cluster: with two
 * nodes on one database only the holder of ERP's singleton lock sends; when it stops, the other takes over.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RestartDeliveryTest {

  static Vertx vertx;
  static ErpSimulator erp;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    erp = ErpSimulator.start(vertx, 0).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void fresh() {
    erp.reset();
    PlantNode.setAsideLeftoverCalls();
  }

  static Map<String, Object> config() {
    return OutboundFixture.config(erp.baseUrl(), Map.of(
        "outbound.retry.server-error", new JsonArray().add("3s"),
        "cluster.singleton-check-interval", "500ms"));
  }

  @Test
  void aPendingRetrySurvivesARestartAndIsDeliveredExactlyOnce() {
    erp.fault(PATH, Fault.status(503));
    TestNode first = TestNode.start(config());
    Completed report;
    try {
      report = OutboundFixture.completeNew(first);
      await("first attempt failed, retry stored").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .until(() -> new JsonObject(message(first.db, report.messageId()).get("retries").toString())
              .getInteger("server_error", 0) == 1);
    } finally {
      first.close();
    }
    Map<String, Object> stored = message(first.db, report.messageId());
    assertThat(stored).containsEntry("status", "pending").containsEntry("attempts", 1).containsEntry("last_status", 503);
    assertThat(requests(erp, report.messageId())).hasSize(1);
    assertThat(erp.pendingFaults(PATH)).as("ERP is fine again").isEmpty();

    TestNode second = TestNode.start(config());
    try {
      assertThat(awaitSettled(second.db, report.messageId(), Duration.ofSeconds(30))).containsEntry("status", "delivered")
          .containsEntry("attempts", 2);
      // nothing more goes out for it
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> requests(erp, report.messageId()).size() == 2);
      assertThat(booked(erp, report.messageId())).as("booked once for its Idempotency-Key").isEqualTo(1);
      // the two requests: the 503 before the restart and one answered 2xx after it
      List<Map<String, Object>> audit = outboundAudit(second.db, report.correlationId());
      assertThat(audit).extracting(r -> r.get("http_status_code")).containsExactly(503, 200);
      assertThat(audit.stream().filter(r -> Boolean.TRUE.equals(r.get("success"))).count()).isEqualTo(1);
      assertThat(audit).extracting(r -> r.get("node"))
          .containsExactly(first.config().node().name(), second.config().node().name());
      assertThat(second.db.value("SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", report.workOrderId()))
          .isNotNull();
    } finally {
      second.close();
    }
  }

  @Test
  void onlyOneNodeSendsToErpAndAnotherTakesOverWhenItStops() {
    TestNode a = TestNode.start(config());
    TestNode b = null;
    try {
      b = TestNode.start(config());
      // reports completed through both nodes' APIs
      List<Completed> reports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        reports.add(OutboundFixture.completeNew(a));
        reports.add(OutboundFixture.completeNew(b));
      }
      for (Completed report : reports) {
        assertThat(awaitSettled(a.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
      }
      String nodeA = a.config().node().name();
      for (Completed report : reports) {
        assertThat(requests(erp, report.messageId())).hasSize(1);
        TestNode holder = a;
        await().atMost(Duration.ofSeconds(5)).until(() -> outboundAudit(holder.db, report.correlationId()).size() == 1);
        assertThat(outboundAudit(holder.db, report.correlationId()).get(0)).as("sent by the first node, the singleton's holder")
            .containsEntry("node", nodeA);
      }

      // the holder stops: the other node takes ERP's outbound path over
      a.close();
      a = null;
      Completed after = OutboundFixture.completeNew(b);
      assertThat(awaitSettled(b.db, after.messageId(), Duration.ofSeconds(30))).containsEntry("status", "delivered");
      String nodeB = b.config().node().name();
      TestNode last = b;
      await().atMost(Duration.ofSeconds(5)).until(() -> outboundAudit(last.db, after.correlationId()).size() == 1);
      assertThat(outboundAudit(b.db, after.correlationId()).get(0)).containsEntry("node", nodeB);
      assertThat(requests(erp, after.messageId())).hasSize(1);
    } finally {
      if (a != null) {
        a.close();
      }
      if (b != null) {
        b.close();
      }
    }
  }
}
