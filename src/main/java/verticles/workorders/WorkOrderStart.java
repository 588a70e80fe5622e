package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.events.Envelope;
import mraos.events.Outbox;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.http.Json;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.plant.PlantModel;
import mraos.workorders.StartEffect;
import mraos.workorders.WorkOrder;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting a work order (spec §4.2.2): a supervisor names the machine and the operator; MRAOS tells the MES through its
 * outbound path (HTTP Basic, retries, breaker) and, once the MES answers with its job id, the order is in progress
 * with its actual start time. The request and the call out commit together; the MES's answer is applied by this
 * class as the call's delivery effect.
 */
public final class WorkOrderStart implements DeliveryEffect {

  public static final String INTEGRATION_TYPE = "mes_work_order_start";
  public static final String MES = MraosConfig.MES;

  static final String LOCK = "SELECT " + WorkOrderStore.COLUMNS + " FROM work_orders WHERE work_order_id = $1 FOR UPDATE";
  static final String SCHEDULE = """
      UPDATE work_orders SET machine_id = $2, operator_id = $3, line_id = $4, status = 'scheduled', updated_at = $5
       WHERE work_order_id = $1""";
  /** Who was put on the order, when: the hours report to HR names every order an operator was assigned. */
  static final String ASSIGN = """
      INSERT INTO work_order_assignments (work_order_id, operator_id, machine_id, assigned_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT DO NOTHING""";
  static final String STARTED = """
      UPDATE work_orders SET mes_job_id = $2, actual_start_time = COALESCE(actual_start_time, $3), updated_at = $4,
          status = CASE WHEN status IN ('received', 'scheduled') THEN 'in_progress' ELSE status END
       WHERE work_order_id = $1
      RETURNING work_order_id, status, mes_job_id""";

  private String workOrdersTopic = "work-orders";

  /** Public no-argument constructor: found by ServiceLoader as the start call's delivery effect. */
  public WorkOrderStart() {
  }

  @Override
  public void configure(io.vertx.core.Vertx vertx, MraosConfig config) {
    workOrdersTopic = config.kafka().workOrdersTopic();
  }

  @Override
  public String integrationType() {
    return INTEGRATION_TYPE;
  }

  /** The MES confirmed the start: its job id, in progress, the start time we told it. */
  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    String jobId = response instanceof JsonObject json ? json.getString("mes_job_id") : null;
    String startTime = DeliveryEffect.payloadOf(message).getString("start_time");
    Instant started = startTime != null ? OffsetDateTime.parse(startTime).toInstant() : at;
    return tx.preparedQuery(STARTED).execute(Tuple.of(message.referenceId(), jobId, utc(started), utc(at))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      return Outbox.append(tx, workOrdersTopic, message.referenceId(), Envelope.wrap(at, Envelope.PLANT_SUBSCRIBERS,
          message.correlationId(), new JsonObject().put("event_type", "work_order.started").put("work_order", new JsonObject()
              .put("mraos_work_order_id", message.referenceId()).put("mes_job_id", jobId).put("actual_start_time", Json.time(started))
              .put("status", rows.iterator().next().getString("status")))));
    });
  }

  /**
   * Schedules the order on the machine and queues the MES call, with what every {@link StartEffect} queues (e.g. the
   * warehouse reservation), in one transaction; returns every call queued, the MES's first.
   */
  public static Future<List<OutboundRequest>> request(Pool pool, Clock clock, MraosConfig config, PlantModel plant,
                                                      List<StartEffect> effects, String workOrderId, String machineId,
                                                      String operatorId, Instant startTime, String correlationId) {
    PlantModel.Machine machine = plant.machine(machineId).orElseThrow(() -> ApiError.badRequest(
        "Machine " + machineId + " is not known to MRAOS").detail(new JsonObject().put("field", "machine_id")
        .put("message", "unknown machine")));
    Instant now = clock.instant();
    Instant start = startTime != null ? startTime : now;
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(workOrderId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiError.notFound("Work order " + workOrderId + " is not known to MRAOS")
            .with("mraos_work_order_id", workOrderId));
      }
      WorkOrder order = WorkOrderStore.fromRow(rows.iterator().next());
      if (!order.status().equals("received") && !order.status().equals("scheduled")) {
        return Future.failedFuture(ApiError.of(409, ErrorCode.INT_003, "Work order " + workOrderId + " is " + order.status()
            + "; only a received or scheduled order can be started").with("mraos_work_order_id", workOrderId));
      }
      JsonObject payload = new JsonObject()
          .put("work_order_id", order.workOrderId())
          .put("erp_work_order_id", order.erpWorkOrderId())
          .put("machine_id", machineId)
          .put("operator_id", operatorId)
          .put("start_time", start.toString())
          .put("quantity_to_produce", Json.number(order.quantityOrdered()))
          .put("product_id", order.productId())
          .put("product_name", order.productName());
      // the order's own correlation id (from ERP's webhook), so one id follows it to the MES and back to ERP
      OutboundRequest call = OutboundRequest.post(now, MES, INTEGRATION_TYPE, config.mesWorkOrderStartPath(), payload,
          workOrderId, order.correlationId() != null ? order.correlationId() : correlationId);
      List<OutboundRequest> calls = new ArrayList<>(List.of(call));
      Future<?> chain = tx.preparedQuery(SCHEDULE).execute(Tuple.of(workOrderId, machineId, operatorId, machine.lineId(), utc(now)))
          .compose(v -> tx.preparedQuery(ASSIGN).execute(Tuple.of(workOrderId, operatorId, machineId, utc(now))))
          .compose(v -> OutboundQueue.enqueue(tx, call, now));
      for (StartEffect effect : effects) {
        chain = chain.compose(v -> WorkOrderStore.withBom(tx, List.of(order)))
            .compose(withBom -> effect.started(tx, withBom.get(0), correlationId, now)).map(queued -> {
              calls.addAll(queued);
              return queued;
            });
      }
      return chain.map(v -> calls);
    }));
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
