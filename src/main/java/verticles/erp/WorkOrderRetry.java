package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.failures.DeadLetters;
import mraos.failures.FailureRetry;
import mraos.failures.IntegrationFailure;
import mraos.workorders.WorkOrders;

import java.util.Set;

/** Applies a refused ERP work-order event again (e.g. once the missing materials exist), as sent or corrected. */
public final class WorkOrderRetry implements FailureRetry {

  /** Made at the first retry, for the node this retry path lives on (one instance per review). */
  private ErpOrderIntake intake;

  @Override
  public Set<String> integrationTypes() {
    return Set.of(ErpOrderIntake.INTEGRATION_TYPE);
  }

  @Override
  public Future<JsonObject> retry(Context context, IntegrationFailure failure, JsonObject message) {
    if (intake == null) {
      intake = new ErpOrderIntake(WorkOrders.on(context.vertx(), context.config()), DeadLetters.of(context.config()),
          context.pool(), context.clock());
    }
    return intake.apply(message, failure.correlationId(), false).map(outcome -> new JsonObject()
        .put("mraos_work_order_id", outcome.workOrder().workOrderId())
        .put("message", outcome.message())
        .put("validation_warnings", new JsonArray(outcome.warnings())));
  }
}
