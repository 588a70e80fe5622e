package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import mraos.failures.FailureRetry;
import mraos.failures.IntegrationFailure;
import mraos.http.ApiError;

import java.util.Set;

/**
 * A refused attendance event applied again from the dead-letter review (as sent or corrected), e.g. once the employee
 * or shift sync brought the employee or shift it named. Still refused: the review keeps it, with the reason.
 */
public final class AttendanceRetry implements FailureRetry {

  @Override
  public Set<String> integrationTypes() {
    return Set.of(Attendance.INTEGRATION_TYPE);
  }

  @Override
  public Future<JsonObject> retry(Context context, IntegrationFailure failure, JsonObject message) {
    ApiError invalid = Attendance.violations(message);
    if (invalid != null) {
      return Future.failedFuture(invalid);
    }
    HrSettings settings = HrSettings.of(context.config());
    return context.pool().withTransaction(tx -> Attendance.apply(tx, message, settings.hrUpdatesTopic(),
            failure.correlationId(), context.clock().instant()))
        .map(applied -> {
          HrEvents.committed(context.vertx(), applied.operatorStatus());
          return applied.answer();
        });
  }
}
