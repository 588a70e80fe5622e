package mraos.failures;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.config.MraosConfig;

import java.time.Clock;

/**
 * How an inbound message that failed is applied again when an integration admin retries it (with its original or a
 * corrected payload). One per integration type, found with {@link java.util.ServiceLoader}. Calls out need none:
 * their dead letters go back to their system's queue.
 */
public interface FailureRetry {

  /** What a retry needs from the node. */
  record Context(Vertx vertx, Pool pool, Clock clock, MraosConfig config) {
  }

  /** The integration types whose failures it can apply again. */
  java.util.Set<String> integrationTypes();

  /**
   * Applies the message again. Succeeds with a short JSON summary of what it did; fails with an
   * {@link mraos.http.ApiError} when the message is still not acceptable (its message says why).
   */
  Future<JsonObject> retry(Context context, IntegrationFailure failure, JsonObject message);
}
