package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.http.Json;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;
import mraos.time.NodeClock;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The warehouse's answer to a reservation (spec §6.2.2), applied when the outbound path delivered the call: the batches
 * it allocated (in its FEFO order) are stored with the reservation, and each material it reserved less of than asked
 * is a shortage. Reserved (all of it), partial (some) or refused (none, or the warehouse said it failed). A call given
 * up (dead letter) leaves the reservation failed. Then the stock of its materials is pulled again (the allocation
 * changed it).
 */
public final class ReservationAnswer implements DeliveryEffect {

  static final String ANSWERED = """
      UPDATE material_reservations SET status = $2, inventory_reservation_id = $3, shortages = $4, answered_at = $5,
          error = $6
       WHERE reservation_id = $1 AND status = 'requested'""";
  static final String ADD_BATCHES = """
      INSERT INTO material_reservation_batches (reservation_id, material_id, batch_number, quantity, location, position)
      SELECT $1, b.* FROM unnest($2::text[], $3::text[], $4::numeric[], $5::text[], $6::int[]) AS b
      ON CONFLICT DO NOTHING""";
  static final String FAILED = """
      UPDATE material_reservations SET status = 'failed', error = $2, answered_at = $3
       WHERE reservation_id = $1 AND status = 'requested'""";

  private Vertx vertx;
  private Pool pool;
  private MraosConfig config;

  /** Public no-argument constructor: found by ServiceLoader. */
  public ReservationAnswer() {
  }

  @Override
  public String integrationType() {
    return Reservations.RESERVE;
  }

  @Override
  public void configure(Vertx vertx, MraosConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.pool = Database.pool(vertx, config.database());
  }

  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    JsonObject answer = response instanceof JsonObject json ? json : new JsonObject();
    JsonArray requested = DeliveryEffect.payloadOf(message).getJsonArray("materials", new JsonArray());
    Map<String, BigDecimal> reserved = new HashMap<>();
    List<String> materials = new ArrayList<>();
    List<String> batches = new ArrayList<>();
    List<BigDecimal> quantities = new ArrayList<>();
    List<String> locations = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (Object o : answer.getJsonArray("materials_reserved", new JsonArray())) {
      if (!(o instanceof JsonObject m) || !(m.getValue("material_id") instanceof String id)) {
        continue;
      }
      reserved.merge(id, m.getValue("quantity_reserved") instanceof Number n ? Json.decimal(n) : BigDecimal.ZERO,
          BigDecimal::add);
      for (Object b : m.getJsonArray("batches_allocated", new JsonArray())) {
        if (b instanceof JsonObject batch && batch.getValue("batch_number") instanceof String number
            && batch.getValue("quantity") instanceof Number q) {
          materials.add(id);
          batches.add(number);
          quantities.add(Json.decimal(q));
          locations.add(batch.getString("location"));
          positions.add(positions.size());
        }
      }
    }
    JsonArray shortages = new JsonArray();
    BigDecimal total = BigDecimal.ZERO;
    for (Object o : requested) {
      JsonObject line = (JsonObject) o;
      BigDecimal asked = Json.decimal(line.getValue("quantity"));
      BigDecimal got = reserved.getOrDefault(line.getString("material_id"), BigDecimal.ZERO);
      total = total.add(got);
      if (got.compareTo(asked) < 0) {
        shortages.add(new JsonObject().put("material_id", line.getString("material_id"))
            .put("part_number", line.getString("part_number")).put("quantity_requested", Json.number(asked))
            .put("quantity_reserved", Json.number(got)).put("quantity_short", Json.number(asked.subtract(got))));
      }
    }
    String said = answer.getString("status", "success");
    String status = shortages.isEmpty() && !"failed".equals(said) ? "reserved"
        : total.signum() > 0 && !"failed".equals(said) ? "partial" : "refused";
    String reservationId = message.referenceId();
    String note = "reserved".equals(status) ? null : answer.getString("message");
    return tx.preparedQuery(ANSWERED).execute(Tuple.of(reservationId, status, answer.getString("inventory_reservation_id"),
            shortages, StockStore.utc(at), note))
        .compose(v -> materials.isEmpty() ? Future.<Void>succeededFuture() : tx.preparedQuery(ADD_BATCHES).execute(Tuple.of(
            reservationId, materials.toArray(String[]::new), batches.toArray(String[]::new),
            quantities.toArray(BigDecimal[]::new), locations.toArray(String[]::new), positions.toArray(Integer[]::new)))
            .<Void>mapEmpty())
        .onSuccess(v -> requested.forEach(o -> StockPull.refresh(vertx, pool, NodeClock.of(vertx), config,
            ((JsonObject) o).getString("material_id"), "after reservation " + reservationId)))
        .mapEmpty();
  }

  @Override
  public Future<Void> failed(SqlConnection tx, OutboundMessage message, String failureId, Instant at) {
    return tx.preparedQuery(FAILED).execute(Tuple.of(message.referenceId(), "the warehouse did not take the reservation;"
        + " kept as integration failure " + failureId, StockStore.utc(at))).mapEmpty();
  }

  /** What the supervisor is told about a reservation. */
  static String message(JsonObject reservation) {
    JsonArray shortages = reservation.getJsonArray("shortages", new JsonArray());
    return switch (reservation.getString("status")) {
      case "reserved" -> "The warehouse reserved every material of the order (" + reservation.getJsonArray(
          "batches_allocated", new JsonArray()).size() + " batch(es), FEFO)";
      case "partial", "refused" -> {
        List<String> parts = new ArrayList<>();
        shortages.forEach(s -> {
          JsonObject short_ = (JsonObject) s;
          parts.add(short_.getString("material_id") + ": " + short_.getValue("quantity_short") + " short ("
              + short_.getValue("quantity_reserved") + " of " + short_.getValue("quantity_requested") + " reserved)");
        });
        yield ("partial".equals(reservation.getString("status")) ? "The warehouse reserved only part of the materials; "
            : "The warehouse refused the reservation; ") + String.join("; ", parts);
      }
      case "requested" -> "The reservation is sent to the warehouse; it has not answered yet (retried by the outbound path)";
      case "failed" -> "The reservation failed: " + reservation.getString("error");
      default -> "The reservation is " + reservation.getString("status");
    };
  }
}
