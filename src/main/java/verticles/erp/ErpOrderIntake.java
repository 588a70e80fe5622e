package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;
import mraos.http.PayloadSchema;
import mraos.workorders.IntakeOutcome;
import mraos.workorders.WorkOrders;

import java.time.Clock;
import java.util.Objects;

/**
 * ERP's work-order events (spec §3.2.1) applied through the work-order area: checked against the schema, read, applied.
 * An order naming materials MRAOS does not know is refused (400) and, when ERP itself sent it, kept as an integration
 * failure for review (its retry, once the materials exist, applies it again without keeping another).
 */
final class ErpOrderIntake {

  static final String INTEGRATION_TYPE = "erp_work_order_inbound";
  static final PayloadSchema SCHEMA = PayloadSchema.fromResource("verticles/erp/work-order-event.schema.json");

  private final WorkOrders workOrders;
  private final DeadLetters failures;
  private final Pool pool;
  private final Clock clock;

  ErpOrderIntake(WorkOrders workOrders, DeadLetters failures, Pool pool, Clock clock) {
    this.workOrders = Objects.requireNonNull(workOrders);
    this.failures = Objects.requireNonNull(failures);
    this.pool = Objects.requireNonNull(pool);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Applies the event; fails with an {@link ApiError} when it breaks the schema or is refused.
   *
   * @param keepFailure keep an order naming unknown materials as an integration failure (not on the failure's retry)
   */
  Future<IntakeOutcome.Applied> apply(JsonObject event, String correlationId, boolean keepFailure) {
    JsonArray violations = SCHEMA.violations(event);
    if (!violations.isEmpty()) {
      return Future.failedFuture(ApiError.badRequest("The work order event does not match the schema ("
          + violations.size() + " problem(s))").details(violations));
    }
    return workOrders.receive(ErpWorkOrderEvent.read(event), correlationId).compose(outcome ->
        outcome instanceof IntakeOutcome.UnknownMaterials unknown ? refuse(unknown, event, correlationId, keepFailure)
            : Future.succeededFuture((IntakeOutcome.Applied) outcome));
  }

  private Future<IntakeOutcome.Applied> refuse(IntakeOutcome.UnknownMaterials unknown, JsonObject event, String correlationId,
                                       boolean keepFailure) {
    ApiError refusal = ApiError.badRequest(unknown.message()).details(unknown.unknown());
    if (!keepFailure) {
      return Future.failedFuture(refusal.with("error_message", unknown.summary()));
    }
    IntegrationFailure failure = IntegrationFailure.forReview(clock.instant(), INTEGRATION_TYPE, "inbound", ErpRoutes.SYSTEM,
        event, IntegrationFailure.VALIDATION_ERROR, unknown.summary(), correlationId);
    return failures.record(pool, failure).compose(recorded -> Future.failedFuture(refusal.with("failure_id",
        recorded.failureId())));
  }
}
