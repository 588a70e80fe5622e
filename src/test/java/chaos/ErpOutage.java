package chaos;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import simulators.MesMqttPublisher;
import simulators.Receipt;
import testsupport.Api;
import testsupport.NodeProcess;
import testsupport.Plant;
import testsupport.Tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static simulators.MesMqttPublisher.count;
import static simulators.MesMqttPublisher.countTopic;

/**
 * ERP down (scenario 7): a work order finishes on each line's third machine while ERP refuses connections; the
 * completion reports go through the outbound path's retries for network errors, open the breaker, half-open it, and
 * those whose retries run out become dead letters (spec §7). Once ERP is back, the queued reports go by themselves and
 * an operator retries the dead letters through the review API: every completion reaches ERP, each under one
 * Idempotency-Key (ERP applies it once however often it was tried).
 */
final class ErpOutage {

  static final int UNITS = 3;

  final Map<String, String> orders = new LinkedHashMap<>();
  /** The breaker's moves while ERP was down, from the nodes' logs ("ERP: circuit breaker OPEN", "HALF-OPEN"). */
  long opened;
  long halfOpened;
  final Set<String> deadLetters = new TreeSet<>();
  Duration delivered;

  private ErpOutage() {
  }

  static ErpOutage run(ChaosRig rig, Tokens tokens, Duration length) throws Exception {
    ErpOutage outage = new ErpOutage();
    NodeProcess node = rig.anyLive();
    for (int line = 1; line <= ChaosRig.LINES; line++) {
      String machine = ChaosRig.machine(line, 3);
      outage.orders.put(Plant.startedOrder(node.api, tokens::of, machine, UNITS), machine);
    }
    long openedBefore = rig.logLines("ERP: circuit breaker OPEN");
    long halfOpenedBefore = rig.logLines("ERP: circuit breaker HALF-OPEN");
    rig.erp.down().await();
    Instant down = Instant.now();
    outage.finishOrders(rig);
    await("every order completed").atMost(Duration.ofSeconds(60)).until(() -> outage.orders.keySet().stream()
        .allMatch(id -> "completed".equals(rig.db.value("SELECT status FROM work_orders WHERE work_order_id = ?", id))));
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), down.plus(length)).toMillis()));
    rig.erp.up().await();
    Instant up = Instant.now();
    outage.opened = rig.logLines("ERP: circuit breaker OPEN") - openedBefore;
    outage.halfOpened = rig.logLines("ERP: circuit breaker HALF-OPEN") - halfOpenedBefore;
    // an operator retries each dead letter (one whose last attempt failed just as ERP came back too)
    await("every completion at ERP").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
      outage.retryDeadLetters(rig, tokens, down);
      return outage.reported(rig).keySet().containsAll(outage.orders.keySet());
    });
    outage.delivered = Duration.between(up, Instant.now());
    return outage;
  }

  private void finishOrders(ChaosRig rig) throws Exception {
    MesMqttPublisher mes = MesMqttPublisher.connect(rig.vertx, rig.broker.url(), "chaos-erp-outage").await();
    List<Future<Integer>> acks = new ArrayList<>();
    Instant now = Instant.now();
    orders.forEach((order, machine) -> {
      for (int unit = 1; unit <= UNITS; unit++) {
        acks.add(mes.publish(countTopic(ChaosRig.lineOf(machine), machine), count(machine, order, now.plusMillis(unit), 1, unit)));
      }
    });
    Future.all(acks).await(30, TimeUnit.SECONDS);
    mes.disconnect().await();
  }

  /** Dead letters of ERP's calls since the outage began that are waiting for review: an operator retries each. */
  private void retryDeadLetters(ChaosRig rig, Tokens tokens, Instant since) {
    List<Map<String, Object>> dead = rig.db.rows("""
        SELECT failure_id FROM integration_failures
         WHERE direction = 'outbound' AND upper(external_system) = 'ERP' AND status = 'pending_manual_review'
           AND timestamp >= ?""", java.sql.Timestamp.from(since));
    for (Map<String, Object> failure : dead) {
      String id = (String) failure.get("failure_id");
      Api.Response retried = rig.anyLive().api.postJson("/api/v1/integration-failures/" + id + "/retry",
          tokens.of("supervisor"), new JsonObject().put("note", "ERP is back (chaos suite)"));
      assertThat(retried.status()).as("retry of %s: %s", id, retried).isBetween(200, 299);
      deadLetters.add(id);
    }
  }

  /** ERP's receipts of completion reports, by MRAOS work order. */
  Map<String, List<Receipt>> reported(ChaosRig rig) {
    return rig.erp.completionReceipts().stream()
        .filter(r -> orders.containsKey(r.body().getString("mraos_work_order_id")))
        .collect(Collectors.groupingBy(r -> r.body().getString("mraos_work_order_id")));
  }

  /** Each order's report reached ERP under one Idempotency-Key, however often it was tried. */
  void assertEachReportedOnce(ChaosRig rig) {
    reported(rig).forEach((order, receipts) -> assertThat(receipts.stream().map(Receipt::idempotencyKey).distinct())
        .as("Idempotency-Keys of %s's completion report", order).hasSize(1));
  }
}
