package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.events.Outbox;
import mraos.failures.FailureRetry;
import mraos.failures.IntegrationFailure;
import mraos.failures.IntegrationFailures;
import mraos.http.ApiError;

import java.util.Set;

/** Applies a refused ERP work-order event again (e.g. once the missing materials exist), as sent or corrected. */
public final class WorkOrderRetry implements FailureRetry {

  @Override
  public Set<String> integrationTypes() {
    return Set.of(WorkOrderIntake.INTEGRATION_TYPE);
  }

  @Override
  public Future<JsonObject> retry(Context context, IntegrationFailure failure, JsonObject message) {
    JsonArray violations = ErpWorkOrderHandler.SCHEMA.violations(message);
    if (!violations.isEmpty()) {
      return Future.failedFuture(ApiError.badRequest("The work order event does not match the schema").details(violations));
    }
    String topic = context.config().kafka().workOrdersTopic();
    WorkOrderIntake intake = new WorkOrderIntake(context.pool(), context.clock(), topic,
        new IntegrationFailures(context.config().kafka().integrationFailuresTopic()));
    return intake.apply(ErpWorkOrderEvent.from(message), WorkOrderIntake.Origin.retryOf(failure.correlationId(), message))
        .map(outcome -> {
          Outbox.wakeUp(context.vertx().eventBus());
          if (outcome.announceOn() != null) {
            context.vertx().eventBus().publish(outcome.announceOn(), outcome.workOrder().toJson());
          }
          return new JsonObject()
              .put("mraos_work_order_id", outcome.workOrder().workOrderId())
              .put("message", outcome.message())
              .put("validation_warnings", new JsonArray(outcome.warnings()));
        });
  }
}
