package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import mraos.http.Json;
import verticles.lines.MesMessage.Downtime;
import verticles.lines.MesMessage.MachineStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static verticles.lines.BatchEffects.utc;

/**
 * A batch's downtime events (MQTT) and status snapshots (OPC UA), in order: their history rows (a redelivery is
 * recorded once), each machine's final state, a {@code resource-status} event and a live event per change, and an
 * alert when a machine breaks down. A machine's status only moves forward in the MES's time: a snapshot older than the
 * status held is not applied (it arrived late, e.g. OPC UA's batch behind a newer MQTT downtime event); a downtime
 * event is recorded and alerted whenever it arrives.
 */
final class MachineEvents {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MachineEvents.class);

  static final String HISTORY = """
      INSERT INTO machine_status_history (machine_id, status, previous_status, utilization_percentage, work_order_id,
          reason_code, reason_description, severity, estimated_repair_minutes, source, source_timestamp, recorded_at, dedup_key)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
      ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key""";

  static final String MACHINE = """
      UPDATE machines SET current_status = $2::varchar,
             utilization_percentage = COALESCE($3, utilization_percentage),
             overall_equipment_effectiveness = COALESCE($4, overall_equipment_effectiveness),
             current_work_order_id = COALESCE($5, current_work_order_id),
             units_produced_this_cycle = COALESCE($6, units_produced_this_cycle),
             cycle_time_seconds = COALESCE($7, cycle_time_seconds),
             downtime_seconds = COALESCE($8, downtime_seconds),
             status_changed_at = CASE WHEN current_status <> $2::varchar THEN $9 ELSE status_changed_at END,
             last_update_at = $9, updated_at = $10
       WHERE machine_id = $1""";

  private final BatchEffects effects;
  private final String resourceStatusTopic;
  /** Each machine's status and when (the MES's time) it was reported, as the batch leaves them. */
  private final Map<String, String> statuses;
  private final Map<String, Instant> statusTimes;
  private final List<Tuple> history = new ArrayList<>();
  private final List<JsonObject> historyData = new ArrayList<>();
  private final Map<String, Tuple> finalState = new LinkedHashMap<>();

  MachineEvents(BatchEffects effects, String resourceStatusTopic, Map<String, String> statuses, Map<String, Instant> statusTimes) {
    this.effects = effects;
    this.resourceStatusTopic = resourceStatusTopic;
    this.statuses = statuses;
    this.statusTimes = statusTimes;
  }

  Future<Void> apply(SqlConnection tx, List<MesMessage> messages) {
    for (MesMessage m : messages) {
      if (m instanceof Downtime d) {
        downtime(d);
      } else if (m instanceof MachineStatus s) {
        status(s);
      }
    }
    if (history.isEmpty() && finalState.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Set<String>> fresh = history.isEmpty() ? Future.succeededFuture(Set.of())
        : tx.preparedQuery(HISTORY).executeBatch(history).map(MachineEvents::returnedKeys);
    return fresh.compose(keys -> {
      for (int i = 0; i < history.size(); i++) {
        if (keys.contains(history.get(i).getString(12))) {
          changed(historyData.get(i)); // not a redelivery: recorded now
        }
      }
      return finalState.isEmpty() ? Future.succeededFuture()
          : tx.preparedQuery(MACHINE).executeBatch(new ArrayList<>(finalState.values())).mapEmpty();
    }).compose(v -> effects.writeAlerts(tx));
  }

  private void downtime(Downtime d) {
    String before = statuses.getOrDefault(d.machineId(), "unknown");
    String after = d.started() ? "breakdown" : "idle";
    boolean current = !olderThanHeld(d.machineId(), d.timestamp());
    if (current) {
      statuses.put(d.machineId(), after);
      statusTimes.put(d.machineId(), d.timestamp());
      finalState.put(d.machineId(), machineRow(d.machineId(), after, null, null, null, null, null, null, d.timestamp()));
    }
    history.add(Tuple.from(new Object[] {d.machineId(), after, before, null, d.workOrderAffected(), d.reasonCode(),
        d.reasonDescription(), d.severity(), d.estimatedRepairMinutes(), "mqtt", utc(d.timestamp()), utc(effects.now()),
        d.dedupKey()}));
    historyData.add(new JsonObject().put("type", d.started() ? "downtime.started" : "downtime.ended")
        .put("machine_id", d.machineId()).put("status", after).put("previous_status", before)
        .put("reason_code", d.reasonCode()).put("reason_description", d.reasonDescription()).put("severity", d.severity())
        .put("estimated_repair_time_minutes", d.estimatedRepairMinutes()).put("work_order_affected", d.workOrderAffected())
        .put("timestamp", d.timestamp().toString()).put("line_id", effects.lineId()));
  }

  private void status(MachineStatus s) {
    if (olderThanHeld(s.machineId(), s.timestamp())) {
      LOG.debug("Line {}: status of {} at {} is older than the one held ({}); not applied", effects.lineId(), s.machineId(),
          s.timestamp(), statusTimes.get(s.machineId()));
      return;
    }
    String before = statuses.getOrDefault(s.machineId(), "unknown");
    statuses.put(s.machineId(), s.status());
    statusTimes.put(s.machineId(), s.timestamp());
    if (!before.equals(s.status())) {
      history.add(Tuple.from(new Object[] {s.machineId(), s.status(), before, numeric(s.utilization()), s.currentWorkOrderId(),
          null, null, s.status().equals("breakdown") ? "high" : null, null, "opcua", utc(s.timestamp()), utc(effects.now()),
          s.dedupKey()}));
      historyData.add(new JsonObject().put("type", "machine.status_changed").put("machine_id", s.machineId())
          .put("status", s.status()).put("previous_status", before).put("mes_status", s.mesStatus())
          .put("timestamp", s.timestamp().toString()).put("line_id", effects.lineId()));
    }
    finalState.put(s.machineId(), machineRow(s.machineId(), s.status(), s.utilization(), s.oee(), s.currentWorkOrderId(),
        s.unitsThisCycle(), s.cycleTimeSeconds(), s.downtimeSeconds(), s.timestamp()));
    effects.live("machine_status", new JsonObject().put("machine_id", s.machineId()).put("status", s.status())
        .put("mes_status", s.mesStatus()).put("utilization_percentage", Json.number(s.utilization()))
        .put("current_work_order_id", s.currentWorkOrderId()).put("timestamp", s.timestamp().toString())
        .put("line_id", effects.lineId()));
  }

  /** A change recorded for the first time: on Kafka and the live feed, and an alert if the machine broke down. */
  private void changed(JsonObject data) {
    effects.event(resourceStatusTopic, data.getString("machine_id"), data.getString("type"), "machine", data);
    effects.live(data.getString("type").startsWith("downtime") ? "downtime" : "machine_status_changed", data);
    if ("breakdown".equals(data.getString("status"))) {
      effects.alert("high", "machine_breakdown", data.getString("machine_id"), data.getString("work_order_affected"),
          breakdownMessage(data), data);
    }
  }

  private boolean olderThanHeld(String machineId, Instant at) {
    Instant held = statusTimes.get(machineId);
    return held != null && at.isBefore(held);
  }

  /** "Machine M-203 is down: Hydraulic system pressure drop (MECH_FAULT), estimated repair 45 min; work order ... is affected". */
  static String breakdownMessage(JsonObject d) {
    StringBuilder text = new StringBuilder("Machine ").append(d.getString("machine_id")).append(" is down");
    if (d.getString("reason_description") != null) {
      text.append(": ").append(d.getString("reason_description"));
    }
    if (d.getString("reason_code") != null) {
      text.append(" (").append(d.getString("reason_code")).append(")");
    }
    if (d.getInteger("estimated_repair_time_minutes") != null) {
      text.append(", estimated repair ").append(d.getInteger("estimated_repair_time_minutes")).append(" min");
    }
    if (d.getString("work_order_affected") != null) {
      text.append("; work order ").append(d.getString("work_order_affected")).append(" is affected");
    }
    return text.toString();
  }

  private static Tuple machineRow(String machineId, String status, BigDecimal utilization, BigDecimal oee, String workOrderId,
                                  Integer units, BigDecimal cycle, Integer downtime, Instant at) {
    return Tuple.from(new Object[] {machineId, status, numeric(utilization), numeric(oee), workOrderId, units, numeric(cycle),
        downtime, utc(at), utc(Instant.now())});
  }

  private static Set<String> returnedKeys(RowSet<Row> rows) {
    Set<String> keys = new HashSet<>();
    for (RowSet<Row> rs = rows; rs != null; rs = rs.next()) {
      rs.forEach(r -> keys.add(r.getString("dedup_key")));
    }
    return keys;
  }

  private static Numeric numeric(BigDecimal value) {
    return value == null ? null : Numeric.create(value);
  }
}
