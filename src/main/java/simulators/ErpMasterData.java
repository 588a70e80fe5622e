package simulators;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.Responses;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The material master and the work orders the simulated ERP holds: seeded by a test or over the control API, read by
 * MRAOS page by page. Each map is guarded by itself: the server's event loop reads while test threads seed.
 */
final class ErpMasterData {

  private final Clock clock;
  /** Keyed by material_id / erp_work_order_id, in the order first seeded. */
  private final Map<String, JsonObject> materials = new LinkedHashMap<>();
  private final Map<String, JsonObject> workOrders = new LinkedHashMap<>();

  ErpMasterData(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void seedMaterials(List<JsonObject> seeded) {
    List<JsonObject> checked = new ArrayList<>();
    for (JsonObject material : seeded) {
      JsonBodies.requireText(material, "material_id", "a material");
      checked.add(material.copy());
    }
    synchronized (materials) {
      checked.forEach(material -> materials.put(material.getString("material_id"), material));
    }
  }

  void seedWorkOrders(List<JsonObject> seeded) {
    List<JsonObject> checked = new ArrayList<>();
    for (JsonObject workOrder : seeded) {
      JsonBodies.requireText(workOrder, "erp_work_order_id", "a work order");
      JsonObject copy = workOrder.copy();
      if (copy.getValue("status") == null) {
        copy.put("status", ErpSimulator.DEFAULT_STATUS);
      }
      if (copy.getValue("updated_at") == null) {
        copy.put("updated_at", clock.instant().toString());
      }
      if (!(copy.getValue("updated_at") instanceof String updatedAt)) {
        throw new IllegalArgumentException("updated_at must be an ISO-8601 date-time: " + copy.encode());
      }
      instant(updatedAt, "updated_at");
      checked.add(copy);
    }
    synchronized (workOrders) {
      checked.forEach(workOrder -> workOrders.put(workOrder.getString("erp_work_order_id"), workOrder));
    }
  }

  Optional<JsonObject> workOrder(String erpWorkOrderId) {
    synchronized (workOrders) {
      return Optional.ofNullable(workOrders.get(erpWorkOrderId)).map(JsonObject::copy);
    }
  }

  void clear() {
    synchronized (materials) {
      materials.clear();
    }
    synchronized (workOrders) {
      workOrders.clear();
    }
  }

  // ---- routes

  /** The material master, paged. */
  void materialsPage(RoutingContext ctx) {
    Responses.json(ctx, 200, Paging.of(ctx).answer("materials", snapshot(materials)));
  }

  /** The work orders changed since {@code updated_since} (all without it), oldest change first, paged. */
  void workOrdersUpdatedSince(RoutingContext ctx) {
    String since = ctx.queryParams().get("updated_since");
    // an unencoded '+' of a UTC offset arrives as a space
    Instant from = since == null || since.isBlank() ? Instant.MIN : instant(since.trim().replace(' ', '+'), "updated_since");
    Paging paging = Paging.of(ctx);
    List<JsonObject> changed = snapshot(workOrders).stream()
        .filter(workOrder -> !updatedAt(workOrder).isBefore(from))
        .sorted(Comparator.comparing(ErpMasterData::updatedAt)
            .thenComparing(workOrder -> workOrder.getString("erp_work_order_id")))
        .toList();
    Responses.json(ctx, 200, paging.answer("work_orders", changed));
  }

  /** The control API's seeding of materials. */
  void seedMaterialsFromBody(RoutingContext ctx) {
    seedMaterials(JsonBodies.documents(JsonBodies.objectOrArray(ctx), "materials"));
    Responses.json(ctx, 200, new JsonObject().put("material_count", snapshot(materials).size()));
  }

  /** The control API's seeding of work orders. */
  void seedWorkOrdersFromBody(RoutingContext ctx) {
    seedWorkOrders(JsonBodies.documents(JsonBodies.objectOrArray(ctx), "work_orders"));
    Responses.json(ctx, 200, new JsonObject().put("work_order_count", snapshot(workOrders).size()));
  }

  // ---- helpers

  private static List<JsonObject> snapshot(Map<String, JsonObject> held) {
    synchronized (held) {
      return List.copyOf(held.values());
    }
  }

  private static Instant updatedAt(JsonObject workOrder) {
    return instant(workOrder.getString("updated_at"), "updated_at");
  }

  private static Instant instant(String text, String what) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " must be an ISO-8601 date-time with an offset (2025-11-18T14:30:00Z), not " + text);
    }
  }
}
