package verticles.erp;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.events.Outbox;
import mraos.http.ApiError;
import mraos.http.CorrelationIds;
import mraos.http.PayloadSchema;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import verticles.erp.WorkOrderIntake.Outcome;

/**
 * {@code POST /api/v1/integrations/erp/work-orders}: validates ERP's event against the schema, applies it, answers as
 * the spec's §3.2.1 response does, and after the commit tells the event bus what happened.
 */
final class ErpWorkOrderHandler implements Handler<RoutingContext> {

  static final PayloadSchema SCHEMA = PayloadSchema.fromResource("verticles/erp/work-order-event.schema.json");

  private final WorkOrderIntake intake;
  private final EventBus bus;

  ErpWorkOrderHandler(WorkOrderIntake intake, EventBus bus) {
    this.intake = intake;
    this.bus = bus;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = RequestBodies.jsonObject(ctx);
    JsonArray violations = SCHEMA.violations(body);
    if (!violations.isEmpty()) {
      throw ApiError.badRequest("The work order event does not match the schema (" + violations.size() + " problem(s))")
          .details(violations);
    }
    ErpWorkOrderEvent event = ErpWorkOrderEvent.from(body);
    intake.apply(event, WorkOrderIntake.Origin.request(CorrelationIds.of(ctx), body)).onComplete(ar -> {
      Outbox.wakeUp(bus); // committed events (or a recorded failure) wait in the outbox
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Outcome outcome = ar.result();
      Responses.json(ctx, 200, new JsonObject()
          .put("status", "success")
          .put("mraos_work_order_id", outcome.workOrder().workOrderId())
          .put("erp_work_order_id", outcome.workOrder().erpWorkOrderId())
          .put("message", outcome.message())
          .put("validation_warnings", new JsonArray(outcome.warnings())));
      if (outcome.announceOn() != null) {
        bus.publish(outcome.announceOn(), outcome.workOrder().toJson());
      }
    });
  }
}
