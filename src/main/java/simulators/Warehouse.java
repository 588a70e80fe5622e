package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.Json;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The simulated warehouse's books: materials with their batches and expiry dates, reservations allocated FEFO (earliest
 * expiry first), consumption taken from the batches. Every change of a material's on-hand or allocated quantity is a
 * CDC event (spec §6.3: old and new value, the warehouse's transaction id and time) handed to {@code cdc}.
 * Synchronized: the server's event loop changes it while tests read it.
 */
final class Warehouse {

  private static final class Batch {
    final String number;
    BigDecimal quantity;
    final LocalDate expiry;
    final String location;
    BigDecimal allocated = BigDecimal.ZERO;

    Batch(String number, BigDecimal quantity, LocalDate expiry, String location) {
      this.number = number;
      this.quantity = quantity;
      this.expiry = expiry;
      this.location = location;
    }

    BigDecimal free() {
      return quantity.subtract(allocated).max(BigDecimal.ZERO);
    }
  }

  private static final class Material {
    final String id;
    String partNumber;
    String unit = "EA";
    String warehouse = "Plant1-WH";
    String location = "Aisle 1";
    BigDecimal safetyStock = BigDecimal.ZERO;
    final List<Batch> batches = new ArrayList<>();
    Instant lastUpdated;

    Material(String id) {
      this.id = id;
    }

    BigDecimal onHand() {
      return batches.stream().map(b -> b.quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    BigDecimal allocated() {
      return batches.stream().map(b -> b.allocated).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    List<Batch> fefo() {
      return batches.stream().sorted(Comparator.comparing((Batch b) -> b.expiry, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(b -> b.number)).toList();
    }
  }

  /** A batch allocated to a reservation. */
  private record Allocation(String materialId, String batch, BigDecimal quantity) {
  }

  private final Clock clock;
  private final Consumer<JsonObject> cdc;
  private final Map<String, Material> materials = new LinkedHashMap<>();
  private final Map<String, JsonObject> reservations = new HashMap<>();
  private final Map<String, List<Allocation>> allocations = new HashMap<>();
  private final Map<String, String> reservationOfOrder = new HashMap<>();
  private long transactions;

  Warehouse(Clock clock, Consumer<JsonObject> cdc) {
    this.clock = clock;
    this.cdc = cdc;
  }

  /** Adds or replaces a material: {material_id, part_number, safety_stock, location, batch_details: [...]}. */
  synchronized void seed(JsonObject m) {
    String id = m.getString("material_id");
    Material before = materials.get(id);
    BigDecimal[] was = before == null ? null : new BigDecimal[] {before.onHand(), before.allocated()};
    Material material = new Material(id);
    material.partNumber = m.getString("part_number", id);
    material.unit = m.getString("unit_of_measure", "EA");
    material.warehouse = m.getString("warehouse", "Plant1-WH");
    material.location = m.getString("location", "Aisle 1");
    material.safetyStock = m.getValue("safety_stock") == null ? BigDecimal.ZERO : Json.decimal(m.getValue("safety_stock"));
    for (Object o : m.getJsonArray("batch_details", new JsonArray())) {
      JsonObject b = (JsonObject) o;
      material.batches.add(new Batch(b.getString("batch_number"), Json.decimal(b.getValue("quantity")),
          b.getString("expiration_date") == null ? null : LocalDate.parse(b.getString("expiration_date")),
          b.getString("location", material.location)));
    }
    material.lastUpdated = clock.instant();
    materials.put(id, material);
    String txn = nextTransaction();
    changed(txn, material, "on_hand_quantity", was == null ? null : was[0], material.onHand(), "receipt");
    changed(txn, material, "allocated_quantity", was == null ? null : was[1], material.allocated(), "receipt");
  }

  /** Stock received (positive) or issued outside MRAOS (negative), on the material's first batch. */
  synchronized void adjust(String materialId, BigDecimal delta, String reason) {
    Material m = materials.get(materialId);
    BigDecimal was = m.onHand();
    Batch batch = m.fefo().get(0);
    batch.quantity = batch.quantity.add(delta).max(BigDecimal.ZERO);
    m.lastUpdated = clock.instant();
    changed(nextTransaction(), m, "on_hand_quantity", was, m.onHand(), reason);
  }

  /** GET stock-levels: every material (or one), as spec §6.2.1 shows them, with its safety stock. */
  synchronized JsonArray levels(String materialId) {
    JsonArray list = new JsonArray();
    materials.values().stream().filter(m -> materialId == null || m.id.equals(materialId)).forEach(m -> {
      JsonArray batches = new JsonArray();
      m.fefo().forEach(b -> batches.add(new JsonObject().put("batch_number", b.number).put("quantity", Json.number(b.quantity))
          .put("expiration_date", b.expiry == null ? null : b.expiry.toString())));
      list.add(new JsonObject().put("material_id", m.id).put("part_number", m.partNumber).put("warehouse", m.warehouse)
          .put("location", m.location).put("on_hand_quantity", Json.number(m.onHand()))
          .put("allocated_quantity", Json.number(m.allocated()))
          .put("available_quantity", Json.number(m.onHand().subtract(m.allocated())))
          .put("safety_stock", Json.number(m.safetyStock)).put("unit_of_measure", m.unit).put("batch_details", batches)
          .put("last_updated", m.lastUpdated.toString()));
    });
    return list;
  }

  /** POST reservations (spec §6.2.2): FEFO over the free quantity of each batch; the same reservation id, the same answer. */
  synchronized JsonObject reserve(JsonObject request) {
    String id = request.getString("reservation_id");
    JsonObject earlier = reservations.get(id);
    if (earlier != null) {
      return earlier;
    }
    String txn = nextTransaction();
    List<Allocation> taken = new ArrayList<>();
    JsonArray reserved = new JsonArray();
    boolean all = true;
    boolean any = false;
    for (Object o : request.getJsonArray("materials", new JsonArray())) {
      JsonObject line = (JsonObject) o;
      Material m = materials.get(line.getString("material_id"));
      BigDecimal wanted = Json.decimal(line.getValue("quantity"));
      BigDecimal left = wanted;
      JsonArray batches = new JsonArray();
      if (m != null) {
        BigDecimal was = m.allocated();
        for (Batch b : m.fefo()) {
          BigDecimal take = left.min(b.free());
          if (take.signum() > 0) {
            b.allocated = b.allocated.add(take);
            left = left.subtract(take);
            taken.add(new Allocation(m.id, b.number, take));
            batches.add(new JsonObject().put("batch_number", b.number).put("quantity", Json.number(take))
                .put("location", b.location));
          }
        }
        m.lastUpdated = clock.instant();
        changed(txn, m, "allocated_quantity", was, m.allocated(), "reservation");
      }
      BigDecimal got = wanted.subtract(left);
      all &= left.signum() == 0;
      any |= got.signum() > 0;
      reserved.add(new JsonObject().put("material_id", line.getString("material_id")).put("quantity_reserved", Json.number(got))
          .put("batches_allocated", batches));
    }
    JsonObject answer = new JsonObject().put("status", all ? "success" : any ? "partial" : "failed")
        .put("reservation_id", id).put("inventory_reservation_id", "INV-RES-" + (reservations.size() + 78_945))
        .put("materials_reserved", reserved);
    if (!all) {
      answer.put("message", any ? "Not enough stock for every material" : "No stock for the materials asked for");
    }
    reservations.put(id, answer);
    allocations.put(id, taken);
    reservationOfOrder.put(request.getString("work_order_id"), id);
    return answer;
  }

  /** POST reservations/{id}/release: what is still allocated goes back; null when the reservation is unknown. */
  synchronized JsonObject release(String reservationId) {
    List<Allocation> taken = allocations.remove(reservationId);
    if (taken == null) {
      return reservations.containsKey(reservationId) ? new JsonObject().put("status", "released")
          .put("reservation_id", reservationId) : null;
    }
    free(taken, "release");
    return new JsonObject().put("status", "released").put("reservation_id", reservationId);
  }

  /** POST transactions/consumption: each line taken from its batch (or FEFO), the order's allocation used up first. */
  synchronized void consume(JsonObject report) {
    String txn = nextTransaction();
    String reservation = reservationOfOrder.get(report.getString("work_order_id"));
    List<Allocation> taken = reservation == null ? null : allocations.remove(reservation);
    Map<String, BigDecimal[]> before = new HashMap<>();
    if (taken != null) {
      taken.forEach(a -> {
        Material m = materials.get(a.materialId());
        before.putIfAbsent(m.id, new BigDecimal[] {m.onHand(), m.allocated()});
      });
    }
    for (Object o : report.getJsonArray("materials_consumed", new JsonArray())) {
      JsonObject line = (JsonObject) o;
      Material m = materials.get(line.getString("material_id"));
      if (m == null) {
        continue;
      }
      before.putIfAbsent(m.id, new BigDecimal[] {m.onHand(), m.allocated()});
      BigDecimal left = Json.decimal(line.getValue("quantity_consumed"));
      for (Batch b : m.fefo()) {
        if (left.signum() <= 0) {
          break;
        }
        if (line.getString("batch_number") != null && !line.getString("batch_number").equals(b.number)) {
          continue;
        }
        BigDecimal take = left.min(b.quantity);
        b.quantity = b.quantity.subtract(take);
        left = left.subtract(take);
      }
    }
    if (taken != null) {
      free(taken, null);
    }
    before.forEach((id, was) -> {
      Material m = materials.get(id);
      m.lastUpdated = clock.instant();
      changed(txn, m, "on_hand_quantity", was[0], m.onHand(), "consumption");
      changed(txn, m, "allocated_quantity", was[1], m.allocated(), "consumption");
    });
  }

  private void free(List<Allocation> taken, String reason) {
    String txn = nextTransaction();
    Map<String, BigDecimal> was = new LinkedHashMap<>();
    for (Allocation a : taken) {
      Material m = materials.get(a.materialId());
      was.putIfAbsent(m.id, m.allocated());
      m.batches.stream().filter(b -> b.number.equals(a.batch())).forEach(b -> b.allocated = b.allocated.subtract(a.quantity())
          .max(BigDecimal.ZERO).min(b.quantity));
    }
    if (reason != null) {
      was.forEach((id, before) -> {
        Material m = materials.get(id);
        m.lastUpdated = clock.instant();
        changed(txn, m, "allocated_quantity", before, m.allocated(), reason);
      });
    }
  }

  /** On hand and allocated of a material now, for tests: {on_hand_quantity, allocated_quantity}. */
  synchronized JsonObject stock(String materialId) {
    Material m = materials.get(materialId);
    return m == null ? null : new JsonObject().put("on_hand_quantity", Json.number(m.onHand()))
        .put("allocated_quantity", Json.number(m.allocated()));
  }

  synchronized void clear() {
    materials.clear();
    reservations.clear();
    allocations.clear();
    reservationOfOrder.clear();
  }

  private String nextTransaction() {
    return "INV-TXN-" + (++transactions) + "-" + Long.toString(clock.millis(), 36);
  }

  private void changed(String txn, Material m, String field, BigDecimal old, BigDecimal now, String reason) {
    if (old != null && old.compareTo(now) == 0) {
      return;
    }
    cdc.accept(new JsonObject().put("event_type", "material.stock_updated").put("timestamp", m.lastUpdated.toString())
        .put("material_id", m.id).put("field_changed", field).put("old_value", old == null ? null : Json.number(old))
        .put("new_value", Json.number(now)).put("change_reason", reason).put("transaction_id", txn));
  }
}
