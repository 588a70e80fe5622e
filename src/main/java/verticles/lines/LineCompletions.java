package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import mraos.events.Addresses;
import mraos.http.ApiError;
import mraos.workorders.CompletionRequest;
import mraos.workorders.WorkOrders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Work orders a line's counts brought to their quantity (spec §4.2.1 step 5): completed as a supervisor would, through
 * the work-order area (which queues what the other systems are told), and shown on the live feed. One that fails is
 * tried again after the line's next batch; one already closed is dropped. Touched on the line's event loop only.
 */
final class LineCompletions {

  private static final Logger LOG = LoggerFactory.getLogger(LineCompletions.class);

  private final Vertx vertx;
  private final String lineId;
  private final WorkOrders workOrders;
  private final Set<String> due = new LinkedHashSet<>();

  LineCompletions(Vertx vertx, String lineId, WorkOrders workOrders) {
    this.vertx = vertx;
    this.lineId = lineId;
    this.workOrders = workOrders;
  }

  /** Completes these orders, and those whose completion failed before. */
  void complete(Collection<String> reachedQuantity) {
    due.addAll(reachedQuantity);
    for (String workOrderId : List.copyOf(due)) {
      workOrders.complete(workOrderId, CompletionRequest.asCounted(), "mes", "mes-" + lineId).onComplete(ar -> {
        if (ar.succeeded()) {
          due.remove(workOrderId);
          LOG.info("Line {}: work order {} reached its quantity and is completed", lineId, workOrderId);
          vertx.eventBus().publish(Addresses.LIVE, new JsonObject().put("type", "work_order_completed").put("line_id", lineId)
              .put("data", ar.result().workOrder().toJson()));
        } else if (ar.cause() instanceof ApiError api && api.status() == 409) {
          due.remove(workOrderId); // completed already
        } else {
          LOG.warn("Line {}: completing {} failed ({}); tried again after the next batch", lineId, workOrderId,
              ar.cause().getMessage());
        }
      });
    }
  }
}
