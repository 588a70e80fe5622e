package mraos.workorders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** What an {@link OrderChange} did to MRAOS's work orders. */
public sealed interface IntakeOutcome {

  /** The answer's message, worded for ERP. */
  String message();

  /** The change was applied (or found stale): the order as it is now. */
  sealed interface Applied extends IntakeOutcome {
    WorkOrder workOrder();

    /** Warnings of materials that are short or inactive (worded as the spec does). */
    default List<String> warnings() {
      return List.of();
    }
  }

  /** A new order, with warnings for materials that are short or inactive (worded as the spec does). */
  record Created(WorkOrder workOrder, List<String> warnings) implements Applied {
    public String message() {
      return "Work order created successfully";
    }
  }

  record Updated(WorkOrder workOrder, List<String> warnings) implements Applied {
    public String message() {
      return "Work order updated successfully";
    }
  }

  record Cancelled(WorkOrder workOrder, boolean alreadyCancelled) implements Applied {
    public String message() {
      return alreadyCancelled ? "Work order was already cancelled" : "Work order cancelled successfully";
    }
  }

  /** The change is older than the last ERP change applied to this order: nothing changed. */
  record Stale(WorkOrder workOrder) implements Applied {
    public String message() {
      return "Event is older than the last ERP change applied to this work order (" + workOrder.erpEventAt()
          + "); nothing changed";
    }
  }

  /**
   * The bill of materials names materials MRAOS does not know: nothing was stored.
   *
   * @param unknown one entry per BOM line whose material is unknown: field, material_id, part_number, message
   */
  record UnknownMaterials(JsonArray unknown) implements IntakeOutcome {
    public String message() {
      return "The bill of materials names material(s) MRAOS does not know; the work order was not stored";
    }

    /** The unknown materials in one sentence each, joined. */
    public String summary() {
      List<String> messages = new ArrayList<>();
      unknown.forEach(u -> messages.add(((JsonObject) u).getString("message")));
      return String.join("; ", messages);
    }
  }
}
