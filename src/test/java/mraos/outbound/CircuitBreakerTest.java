package mraos.outbound;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.outbound.OutboundFixture.Completed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.ErpSimulator;
import simulators.Fault;
import testsupport.Api.Response;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static mraos.outbound.OutboundFixture.PATH;
import static mraos.outbound.OutboundFixture.auditGapsMillis;
import static mraos.outbound.OutboundFixture.awaitOutboundAudit;
import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.booked;
import static mraos.outbound.OutboundFixture.breakerMetric;
import static mraos.outbound.OutboundFixture.breakerOnHealth;
import static mraos.outbound.OutboundFixture.completeNew;
import static mraos.outbound.OutboundFixture.failure;
import static mraos.outbound.OutboundFixture.message;
import static mraos.outbound.OutboundFixture.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ERP's circuit breaker (spec §7.3, §8.1) and spec §10.2 ERP test 5: it opens after 5 failures in a row, nothing is
 * sent while it is open (calls wait in the queue, INT-006), it lets one call through after the reset timeout, and its
 * state shows on the integration status and as {@code mraos_outbound_breaker_state{system="ERP"}}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CircuitBreakerTest {

  static final Duration RESET = Duration.ofSeconds(3);

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withErp()
      .with("outbound.breaker-max-failures", 5)
      .with("outbound.breaker-reset-timeout", RESET.toMillis() + "ms")
      .with("outbound.retry.server-error", new JsonArray(Collections.nCopies(8, "200ms")))
      .with("outbound.retry.network-error", new JsonArray().add("0s").add("300ms").add("600ms"));

  static ErpSimulator erp;
  static TestNode node;

  @BeforeAll
  static void start() {
    erp = plant.erp();
    node = plant.node();
  }

  @BeforeEach
  void closedBreakerAndFreshErp() {
    erp.up().await();
    erp.reset();
    await("breaker closed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> "CLOSED".equals(breakerOnHealth(node)));
  }

  @Test
  void fourFailuresInARowDoNotOpenIt() {
    erp.fault(PATH, Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503));
    try (BreakerWatch watch = new BreakerWatch()) {
      Completed report = completeNew(node);

      assertThat(awaitSettled(node.db, report.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
      assertThat(requests(erp, report.messageId())).hasSize(5);
      assertThat(watch.seen()).as("breaker states seen").containsOnly("CLOSED");
    }
    assertThat(breakerMetric(node)).isEqualTo(0.0);
  }

  @Test
  void opensAfterFiveFailuresHoldsCallsThenLetsOneThroughAndCloses() {
    // five failures open it; the one call let through after the reset timeout is slow (ERP answers it after 2 s), so
    // the half-open state can be seen; it succeeds and closes the breaker
    erp.fault(PATH, Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503),
        Fault.delay(Duration.ofSeconds(2)));
    try (BreakerWatch watch = new BreakerWatch()) {
      Completed first = completeNew(node);

      await("5 attempts").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
          .until(() -> erp.received(PATH).size() >= 5);
      await("breaker open on the integration status").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> "OPEN".equals(breakerOnHealth(node)));
      assertThat(breakerMetric(node)).as("mraos_outbound_breaker_state{system=\"ERP\"} while open").isEqualTo(2.0);

      // a call queued while it is open waits: not sent, INT-006; the first one's next retry is held the same way
      Completed second = completeNew(node);
      await("held calls say why").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
          String.valueOf(message(node.db, second.messageId()).get("last_error")).startsWith("INT-006")
              && String.valueOf(message(node.db, first.messageId()).get("last_error")).startsWith("INT-006"));
      assertThat(message(node.db, second.messageId())).containsEntry("status", "pending").containsEntry("attempts", 0);
      assertThat(erp.received(PATH)).as("nothing sent while open").hasSize(5);
      assertThat(requests(erp, second.messageId())).isEmpty();
      assertThat(new JsonObject(message(node.db, first.messageId()).get("retries").toString()).getInteger("server_error"))
          .as("held calls use no retry").isEqualTo(5);

      // after the reset timeout: half-open, exactly one call goes through
      await("half-open").atMost(RESET.plusSeconds(3)).pollInterval(Duration.ofMillis(50))
          .until(() -> "HALF_OPEN".equals(breakerOnHealth(node)));
      assertThat(breakerMetric(node)).isEqualTo(1.0);
      assertThat(erp.received(PATH)).as("one trial call").hasSize(6);

      // it succeeds: closed, and the held call goes out
      assertThat(awaitSettled(node.db, first.messageId(), Duration.ofSeconds(10))).containsEntry("status", "delivered");
      assertThat(awaitSettled(node.db, second.messageId(), Duration.ofSeconds(10))).containsEntry("status", "delivered");
      await().atMost(Duration.ofSeconds(5)).until(() -> "CLOSED".equals(breakerOnHealth(node)));
      assertThat(breakerMetric(node)).isEqualTo(0.0);
      assertThat(requests(erp, first.messageId())).hasSize(6);
      assertThat(requests(erp, second.messageId())).hasSize(1);
      assertThat(booked(erp, first.messageId())).isEqualTo(1);
      assertThat(booked(erp, second.messageId())).isEqualTo(1);
      assertThat(watch.transitions()).containsSubsequence("CLOSED", "OPEN", "HALF_OPEN", "CLOSED");
    }
  }

  /**
   * Spec §10.2 ERP test 5: ERP is down; each report is tried on the network-error schedule (3 retries, the first at
   * once), the breaker opens after 5 failures and holds the rest, each report becomes a dead letter after its last
   * retry; once ERP is back, a retry from the dead-letter API delivers it and resolves the failure.
   */
  @Test
  void erpDownRetriesOnScheduleOpensTheBreakerDeadLettersAndARetryDeliversOnceErpIsBack() {
    erp.down().await();
    try (BreakerWatch watch = new BreakerWatch()) {
      Completed c = completeNew(node);
      Completed d = completeNew(node);

      Map<String, Object> cMessage = awaitSettled(node.db, c.messageId(), Duration.ofSeconds(40));
      Map<String, Object> dMessage = awaitSettled(node.db, d.messageId(), Duration.ofSeconds(40));
      assertThat(watch.seen()).as("the breaker opened").contains("OPEN");

      for (Map.Entry<Completed, Map<String, Object>> e : Map.of(c, cMessage, d, dMessage).entrySet()) {
        Map<String, Object> message = e.getValue();
        assertThat(message).containsEntry("status", "failed").containsEntry("attempts", 4);
        assertThat(new JsonObject(message.get("retries").toString()).getInteger("network_error")).isEqualTo(3);
        List<Map<String, Object>> audit = awaitOutboundAudit(node.db, e.getKey().correlationId(), 4);
        assertThat(audit).allSatisfy(row -> assertThat(row).containsEntry("success", false));
        long[] gaps = auditGapsMillis(audit);
        assertThat(gaps[0]).as("first retry at once").isLessThan(3_000);
        assertThat(gaps[1]).as("then 300 ms (or longer, held by the breaker)").isGreaterThanOrEqualTo(280);
        assertThat(gaps[2]).as("then 600 ms (or longer, held by the breaker)").isGreaterThanOrEqualTo(580);
        Map<String, Object> failure = failure(node.db, (String) message.get("failure_id"));
        assertThat(failure).containsEntry("status", "pending_manual_review").containsEntry("error_code", "NETWORK_ERROR")
            .containsEntry("retry_count", 3);
      }
      assertThat(erp.completionReceipts()).isEmpty();

      // ERP is back: the integration admin retries C from the dead letters
      erp.up().await();
      String supervisor = node.token("supervisor");
      String cFailure = (String) cMessage.get("failure_id");
      Response retried = node.api.post("/api/v1/integration-failures/" + cFailure + "/retry", supervisor,
          "application/json", new JsonObject().put("note", "ERP is back").encode(), Map.of());
      assertThat(retried.status()).as(retried.toString()).isEqualTo(200);

      assertThat(awaitSettled(node.db, c.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
      assertThat(booked(erp, c.messageId())).isEqualTo(1);
      assertThat(requests(erp, c.messageId())).hasSize(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> "resolved".equals(failure(node.db, cFailure).get("status")));
      assertThat(failure(node.db, cFailure)).containsEntry("resolved_by", "supervisor");
      await().atMost(Duration.ofSeconds(5)).until(() -> node.db.value(
          "SELECT erp_synchronized_at FROM work_orders WHERE work_order_id = ?", c.workOrderId()) != null);
      // D stays a dead letter until someone retries it
      assertThat(message(node.db, d.messageId())).containsEntry("status", "failed");
      assertThat(requests(erp, d.messageId())).isEmpty();
      assertThat(failure(node.db, (String) dMessage.get("failure_id"))).containsEntry("status", "pending_manual_review");
    }
  }

  /** Samples the breaker state on the integration status every 50 ms, to see the states it went through. */
  static final class BreakerWatch implements AutoCloseable {
    private final List<String> states = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    BreakerWatch() {
      thread = new Thread(() -> {
        while (running) {
          try {
            String state = breakerOnHealth(node);
            if (state != null) {
              states.add(state);
            }
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            // a sample missed
          }
        }
      }, "breaker-watch");
      thread.setDaemon(true);
      thread.start();
    }

    List<String> seen() {
      synchronized (states) {
        return List.copyOf(states);
      }
    }

    /** The states seen, repeats collapsed. */
    List<String> transitions() {
      List<String> out = new ArrayList<>();
      for (String s : seen()) {
        if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
          out.add(s);
        }
      }
      return out;
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}
