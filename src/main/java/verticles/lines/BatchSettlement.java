package verticles.lines;

import io.vertx.core.json.JsonObject;
import mraos.cluster.SingletonLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What becomes of each message of a line's batch once the batch is written. Applied: acknowledged on the connection it
 * came on (while the line's lock is this node's), or its admin's retry answered. Not applied, because the work-order
 * area refused it (a count or inspection for an order not running on its machine, a count after its order reached its
 * quantity) or PostgreSQL refused it on its own: back to the front of the line's messages as a
 * {@link MesMessage.Refused} carrying its original as received and the reason, so it becomes a dead letter with the next
 * batch and is acknowledged once that commits; an admin's retry is failed with the reason instead (the dead letter under
 * review stays the only one). Touched on the line's event loop only.
 */
final class BatchSettlement {

  private static final Logger LOG = LoggerFactory.getLogger(BatchSettlement.class);

  /** Marks the original of a dead letter PostgreSQL would not store as it was. */
  static final String UNSTORABLE = "original_base64";

  private final String lineId;
  private final Clock clock;
  private final LineBacklog pending;
  private final MqttLineSession session;
  private final SingletonLease.Proof lease;
  private final LineMeters meters;

  BatchSettlement(String lineId, Clock clock, LineBacklog pending, MqttLineSession session, SingletonLease.Proof lease,
                  LineMeters meters) {
    this.lineId = lineId;
    this.clock = clock;
    this.pending = pending;
    this.session = session;
    this.lease = lease;
    this.meters = meters;
  }

  /** The batch committed: each message applied is acknowledged (or its retry answered), each refused is requeued. */
  void committed(List<LineBacklog.Pending> batch, List<LineBatch.Refusal> refusals) {
    long now = System.nanoTime();
    if (!batch.isEmpty()) {
      meters.batchSizes().record(batch.size());
    }
    Set<Integer> refused = new HashSet<>();
    refusals.forEach(r -> refused.add(r.index()));
    for (int i = 0; i < batch.size(); i++) {
      LineBacklog.Pending p = batch.get(i);
      if (refused.contains(i)) {
        continue; // its dead letter (or its retry's failure) first: acknowledged once that is written
      }
      if (p.received() != null && (!lease.held() || !session.ack(p.received()))) {
        LOG.debug("Line {}: not acknowledged (the lock or connection {} is gone; the broker delivers it again)", lineId,
            p.received().connection());
      }
      if (p.retried() != null) {
        p.retried().tryComplete(new JsonObject().put("applied", p.message().integrationType())
            .put("machine_id", p.message().machineId()).put("timestamp", p.message().timestamp().toString()));
      } else {
        meters.commitLatency().record(now - p.arrivedNanos(), TimeUnit.NANOSECONDS);
      }
    }
    requeue(batch, refusals);
  }

  /** The batch's refused messages, back at the front in their order, as dead letters (or failed retries). */
  private void requeue(List<LineBacklog.Pending> batch, List<LineBatch.Refusal> refusals) {
    if (refusals.isEmpty()) {
      return;
    }
    LOG.warn("Line {}: {} message(s) of a batch refused ({}{}); they become dead letters", lineId, refusals.size(),
        refusals.get(0).reason(), refusals.size() > 1 ? ", ..." : "");
    for (int k = refusals.size() - 1; k >= 0; k--) {
      LineBatch.Refusal r = refusals.get(k);
      LineBacklog.Pending p = batch.get(r.index());
      if (p.retried() != null) {
        p.retried().tryFail(r.reason());
      } else {
        MesMessage m = p.message();
        pending.putFirst(new LineBacklog.Pending(new MesMessage.Refused(m.machineId(), m.timestamp(), m.integrationType(),
            r.reason(), m.original()), p.received(), null, p.arrivedNanos()));
      }
    }
  }

  /**
   * PostgreSQL refused this message alone: a dead letter with the reason and its original, in front of the rest. If it
   * refuses the dead letter itself, the original is kept in base64 (PostgreSQL takes any text of that); if it refuses
   * even that, the message is left unacknowledged (the broker delivers it again after a reconnection) and logged whole.
   */
  void refusedByDatabase(LineBacklog.Pending only, Throwable cause) {
    MesMessage m = only.message();
    String why = MesOriginal.printable(String.valueOf(cause.getMessage()));
    JsonObject original;
    String reason;
    if (!(m instanceof MesMessage.Refused refused)) {
      original = m.original();
      reason = "PostgreSQL refused it: " + why;
    } else if (!refused.original().containsKey(UNSTORABLE)) {
      original = new JsonObject().put(UNSTORABLE, Base64.getEncoder().encodeToString(
          refused.original().encode().getBytes(StandardCharsets.UTF_8)));
      reason = MesOriginal.printable(refused.reason()) + " (PostgreSQL refused its dead letter as it was: " + why
          + "; the original is kept in base64)";
    } else {
      LOG.error("Line {}: PostgreSQL refuses even the dead letter of a message ({}); left unacknowledged: {}", lineId, why,
          refused.original().encode());
      return;
    }
    LOG.error("Line {}: PostgreSQL refuses a message ({}); it becomes a dead letter", lineId, why);
    pending.putFirst(new LineBacklog.Pending(new MesMessage.Refused(m.machineId(), clock.instant(), m.integrationType(),
        reason, original), only.received(), null, only.arrivedNanos()));
  }
}
