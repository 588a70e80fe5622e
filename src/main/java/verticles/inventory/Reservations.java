package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.http.Json;
import mraos.outbound.OutboundQueue;
import mraos.outbound.OutboundRequest;
import mraos.time.NodeClock;
import mraos.workorders.BomLine;
import mraos.workorders.StartEffect;
import mraos.workorders.WorkOrder;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warehouse reservation of a work order's bill of materials (spec §6.2.2), as the work-order area's
 * {@link StartEffect}: when a supervisor starts (assigns) an order, its materials are reserved ({@code POST
 * reservations}, {@code prefer_batch: FEFO}) through the warehouse's outbound path, queued in the start's own
 * transaction (sent once: retries, breaker, dead letters, audit); the supervisor is answered with what the warehouse
 * allocated or what is short ({@link #answer}), and the batches are shown with the order. Cancelling the order
 * releases its reservation the same way. Reservation ids: {@code RES-MRAOS-<plant date>-<nnnn>}, counted per day and
 * never reused ({@code reservation_days}).
 */
public final class Reservations implements StartEffect {

  public static final String RESERVE = "inventory_reservation";
  public static final String RELEASE = "inventory_reservation_release";
  static final String NAME = "material_reservation";

  static final String NEXT_NUMBER = """
      INSERT INTO reservation_days (day, last_no) VALUES ($1, 1)
      ON CONFLICT (day) DO UPDATE SET last_no = reservation_days.last_no + 1 RETURNING last_no""";
  static final String ACTIVE = """
      SELECT reservation_id, status FROM material_reservations
       WHERE work_order_id = $1 AND status IN ('requested', 'reserved', 'partial') ORDER BY requested_at DESC LIMIT 1""";
  static final String INSERT = """
      INSERT INTO material_reservations (reservation_id, work_order_id, status, message_id, requested, requested_at)
      VALUES ($1, $2, 'requested', $3, $4, $5)""";
  static final String RELEASING = "UPDATE material_reservations SET status = 'releasing' WHERE reservation_id = $1";
  static final String LATEST = """
      SELECT reservation_id, work_order_id, status, inventory_reservation_id, requested, shortages, error, requested_at,
             answered_at, released_at
        FROM material_reservations WHERE work_order_id = $1 ORDER BY requested_at DESC, reservation_id DESC LIMIT 1""";
  static final String BATCHES = """
      SELECT material_id, batch_number, quantity, location FROM material_reservation_batches
       WHERE reservation_id = $1 ORDER BY position""";

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private Vertx vertx;
  private Pool pool;
  private Clock clock;
  private MraosConfig config;
  private InventorySettings settings;

  /** Public no-argument constructor: found by ServiceLoader. */
  public Reservations() {
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void configure(Vertx vertx, MraosConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.settings = InventorySettings.of(config);
    this.pool = Database.pool(vertx, config.database());
    this.clock = NodeClock.of(vertx);
  }

  @Override
  public Future<List<OutboundRequest>> started(SqlConnection tx, WorkOrder order, String correlationId, Instant at) {
    if (order.billOfMaterials().isEmpty() || !config.inventory().connected()) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery(ACTIVE).execute(Tuple.of(order.workOrderId())).compose(active -> {
      if (active.size() > 0) {
        return Future.succeededFuture(List.<OutboundRequest>of()); // started again: the reservation it has stands
      }
      LocalDate day = LocalDate.ofInstant(at, config.plantTimeZone());
      return tx.preparedQuery(NEXT_NUMBER).execute(Tuple.of(day)).compose(rows -> {
        String reservationId = settings.reservationIdPrefix() + "-" + DAY.format(day) + "-"
            + String.format("%04d", rows.iterator().next().getInteger("last_no"));
        JsonArray materials = materials(order);
        JsonObject payload = new JsonObject()
            .put("reservation_id", reservationId)
            .put("work_order_id", order.workOrderId())
            .put("reserved_by", settings.reservedBy())
            .put("reservation_date", Json.time(at))
            .put("expected_consumption_date", Json.time(at.plus(settings.expectedConsumptionAfter())))
            .put("materials", materials);
        OutboundRequest call = OutboundRequest.post(at, MraosConfig.INVENTORY, RESERVE, settings.reservationsPath(), payload,
            reservationId, order.correlationId() != null ? order.correlationId() : correlationId);
        return tx.preparedQuery(INSERT).execute(Tuple.of(reservationId, order.workOrderId(), call.messageId(), materials,
                StockStore.utc(at)))
            .compose(v -> OutboundQueue.enqueue(tx, call, at))
            .map(v -> List.of(call));
      });
    });
  }

  /** One line per material (the BOM's quantities of a material added up), as §6.2.2 asks for them. */
  static JsonArray materials(WorkOrder order) {
    Map<String, BomLine> first = new LinkedHashMap<>();
    Map<String, BigDecimal> quantities = new LinkedHashMap<>();
    for (BomLine line : order.billOfMaterials()) {
      first.putIfAbsent(line.materialId(), line);
      quantities.merge(line.materialId(), line.quantityRequired(), BigDecimal::add);
    }
    JsonArray materials = new JsonArray();
    first.forEach((id, line) -> materials.add(new JsonObject()
        .put("material_id", id)
        .put("part_number", line.partNumber())
        .put("quantity", Json.number(quantities.get(id)))
        .put("unit_of_measure", line.unitOfMeasure())
        .put("prefer_batch", "FEFO")));
    return materials;
  }

  @Override
  public Future<List<OutboundRequest>> cancelled(SqlConnection tx, WorkOrder order, String correlationId, Instant at) {
    return tx.preparedQuery(ACTIVE).execute(Tuple.of(order.workOrderId())).compose(active -> {
      if (active.size() == 0) {
        return Future.succeededFuture(List.<OutboundRequest>of());
      }
      String reservationId = active.iterator().next().getString("reservation_id");
      OutboundRequest call = OutboundRequest.post(at, MraosConfig.INVENTORY, RELEASE, settings.releasePath(reservationId),
          new JsonObject().put("reservation_id", reservationId).put("work_order_id", order.workOrderId())
              .put("reason", "work_order_cancelled").put("released_by", settings.reservedBy()),
          reservationId, correlationId);
      return tx.preparedQuery(RELEASING).execute(Tuple.of(reservationId))
          .compose(v -> OutboundQueue.enqueue(tx, call, at))
          .map(v -> List.of(call));
    });
  }

  /** Waits (up to inventory.reservation-answer-wait) for the warehouse's answer, then says what was reserved or is short. */
  @Override
  public Future<JsonObject> answer(String workOrderId) {
    long deadline = System.nanoTime() + settings.reservationAnswerWait().toNanos();
    Promise<JsonObject> answered = Promise.promise();
    poll(workOrderId, deadline, answered);
    return answered.future();
  }

  private void poll(String workOrderId, long deadline, Promise<JsonObject> answered) {
    describe(pool, workOrderId).onComplete(ar -> {
      if (ar.failed()) {
        answered.complete(new JsonObject().put("status", "unknown").put("message", "The reservation could not be read: "
            + ar.cause().getMessage()));
        return;
      }
      JsonObject reservation = ar.result();
      boolean waiting = reservation != null && "requested".equals(reservation.getString("status"));
      if (waiting && System.nanoTime() < deadline) {
        vertx.setTimer(50, id -> poll(workOrderId, deadline, answered));
        return;
      }
      if (reservation != null) {
        reservation.put("message", ReservationAnswer.message(reservation));
      }
      answered.complete(reservation);
    });
  }

  /** The order's latest reservation, with the batches the warehouse allocated (FEFO) and what is short; null: none. */
  @Override
  public Future<JsonObject> describe(SqlClient db, String workOrderId) {
    return db.preparedQuery(LATEST).execute(Tuple.of(workOrderId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      var row = rows.iterator().next();
      JsonObject reservation = new JsonObject()
          .put("reservation_id", row.getString("reservation_id"))
          .put("status", row.getString("status"))
          .put("inventory_reservation_id", row.getString("inventory_reservation_id"))
          .put("materials_requested", row.getJsonArray("requested"))
          .put("shortages", row.getJsonArray("shortages") == null ? new JsonArray() : row.getJsonArray("shortages"))
          .put("error", row.getString("error"))
          .put("requested_at", Json.time(Json.instant(row.getOffsetDateTime("requested_at"))))
          .put("answered_at", Json.time(Json.instant(row.getOffsetDateTime("answered_at"))))
          .put("released_at", Json.time(Json.instant(row.getOffsetDateTime("released_at"))));
      return db.preparedQuery(BATCHES).execute(Tuple.of(row.getString("reservation_id"))).map(batches -> {
        JsonArray allocated = new JsonArray();
        batches.forEach(b -> allocated.add(new JsonObject().put("material_id", b.getString("material_id"))
            .put("batch_number", b.getString("batch_number")).put("quantity", Json.number(b.getBigDecimal("quantity")))
            .put("location", b.getString("location"))));
        return reservation.put("batches_allocated", allocated);
      });
    });
  }
}
