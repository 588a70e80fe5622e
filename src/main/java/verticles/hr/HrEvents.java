package verticles.hr;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import mraos.events.Addresses;
import mraos.events.Envelope;
import mraos.events.Outbox;

import java.time.Instant;

/**
 * What HR changes in MRAOS, told to the plant: each change as an event on Kafka topic {@code hr-updates} (the
 * Appendix B envelope, written to the outbox in the change's own transaction), and an operator's new status on the
 * supervisors' live feed (plant-wide: no line) once it is committed.
 */
final class HrEvents {

  private HrEvents() {
  }

  /** An outbox row (topic, key, envelope) for {@link Outbox#appendAll}, keyed by the employee. */
  static Tuple event(String topic, Instant at, String correlationId, String employeeId, JsonObject payload) {
    return Tuple.of(topic, employeeId, Envelope.wrap(at, Envelope.PLANT_SUBSCRIBERS, correlationId, payload));
  }

  /** Tells the supervisors' screens, and this node's outbox relay, after the change committed. */
  static void committed(Vertx vertx, JsonObject operatorStatus) {
    Outbox.wakeUp(vertx.eventBus());
    if (operatorStatus != null) {
      vertx.eventBus().publish(Addresses.LIVE, new JsonObject().put("type", "operator_status").putNull("line_id")
          .put("data", operatorStatus));
    }
  }
}
