package mraos.outbound;

import io.vertx.core.json.JsonArray;
import mraos.outbound.OutboundFixture.Completed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import simulators.ErpSimulator;
import simulators.Fault;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static mraos.outbound.OutboundFixture.PATH;
import static mraos.outbound.OutboundFixture.awaitSettled;
import static mraos.outbound.OutboundFixture.booked;
import static mraos.outbound.OutboundFixture.breakerOnHealth;
import static mraos.outbound.OutboundFixture.completeNew;
import static mraos.outbound.OutboundFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Once ERP answers again (its breaker closes after a trial call succeeded), the completion reports that were waiting
 * out a long retry pause because ERP was down go at once, not at the end of their pause (§7.1's server-error pauses run
 * to 30 minutes; here 10). The chaos suite's ERP outage found them waiting after ERP was back.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SystemBackTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withErp()
      .with("outbound.breaker-max-failures", 2)
      .with("outbound.breaker-reset-timeout", "1s")
      .with("outbound.retry.server-error", new JsonArray().add("10m").add("10m").add("10m"));

  @Test
  void callsWaitingForTheSystemGoAtOnceWhenItAnswersAgain() {
    ErpSimulator erp = plant.erp();
    TestNode node = plant.node();
    erp.fault(PATH, Fault.status(503), Fault.status(503));
    Completed first = completeNew(node);
    Completed second = completeNew(node);
    await("both failed once, the breaker open").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> erp.received(PATH).size() >= 2 && "OPEN".equals(breakerOnHealth(node)));
    assertThat(message(node.db, first.messageId())).containsEntry("status", "pending").containsEntry("attempts", 1);

    // a new report after the reset timeout is the trial call; ERP answers it, and the two waiting ones follow
    Completed third = completeNew(node);
    assertThat(awaitSettled(node.db, third.messageId(), Duration.ofSeconds(20))).containsEntry("status", "delivered");
    assertThat(awaitSettled(node.db, first.messageId(), Duration.ofSeconds(10))).as("waited 10 minutes before")
        .containsEntry("status", "delivered");
    assertThat(awaitSettled(node.db, second.messageId(), Duration.ofSeconds(10))).containsEntry("status", "delivered");
    assertThat(booked(erp, first.messageId())).isEqualTo(1);
    assertThat(booked(erp, second.messageId())).isEqualTo(1);
  }
}
