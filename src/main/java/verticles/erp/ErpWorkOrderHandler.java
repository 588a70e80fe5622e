package verticles.erp;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.CorrelationIds;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.workorders.IntakeOutcome;

/**
 * {@code POST /api/v1/integrations/erp/work-orders}: applies ERP's event ({@link ErpOrderIntake}) and answers as the
 * spec's §3.2.1 response does.
 */
final class ErpWorkOrderHandler implements Handler<RoutingContext> {

  private final ErpOrderIntake intake;

  ErpWorkOrderHandler(ErpOrderIntake intake) {
    this.intake = intake;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = RequestBodies.jsonObject(ctx);
    intake.apply(body, CorrelationIds.of(ctx), true).onSuccess(outcome -> Responses.json(ctx, 200, answer(outcome)))
        .onFailure(ctx::fail);
  }

  /** The spec's answer: MRAOS's id, ERP's id, what happened, and warnings of short or inactive materials. */
  static JsonObject answer(IntakeOutcome.Applied outcome) {
    return new JsonObject()
        .put("status", "success")
        .put("mraos_work_order_id", outcome.workOrder().workOrderId())
        .put("erp_work_order_id", outcome.workOrder().erpWorkOrderId())
        .put("message", outcome.message())
        .put("validation_warnings", new JsonArray(outcome.warnings()));
  }
}
