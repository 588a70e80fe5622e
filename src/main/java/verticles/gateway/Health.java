package verticles.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import mraos.health.Readiness;
import mraos.security.TokenVerifier;

import java.time.Duration;
import java.util.Set;

/**
 * {@code /health/live}: the event loop answers. {@code /health/ready}: whether this node can serve its HTTP API now:
 * UP only while PostgreSQL answers, the token issuer's keys are loaded and every verticle the node deployed is still
 * deployed; 503 with the failing checks otherwise. What the integrations are doing (Kafka, the lines' brokers, the
 * external systems) is the integration status ({@link IntegrationStatus}), not readiness: ERP is served while they
 * are away.
 */
final class Health {

  private Health() {
  }

  static void mount(Router router, Vertx vertx, Pool pool, TokenVerifier tokens, Duration checkTimeout) {
    HealthChecks live = HealthChecks.create(vertx);
    live.register("event-loop", promise -> promise.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));

    HealthChecks ready = HealthChecks.create(vertx);
    ready.register("database", checkTimeout.toMillis(), promise -> pool.query("SELECT 1").execute().onComplete(ar ->
        promise.complete(ar.succeeded() ? Status.OK() : Status.KO(new JsonObject().put("error", ar.cause().getMessage())))));
    ready.register("verticles", promise -> promise.complete(deployments(vertx)));
    ready.register("token-issuer", promise -> promise.complete(tokens.ready() ? Status.OK()
        : Status.KO(new JsonObject().put("error", tokens.problem()))));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private static Status deployments(Vertx vertx) {
    JsonArray expected = Readiness.expectedDeployments(vertx);
    if (expected == null) {
      return Status.KO(new JsonObject().put("error", "the node is still deploying its verticles"));
    }
    Set<String> running = vertx.deploymentIDs();
    JsonArray missing = new JsonArray();
    expected.forEach(id -> {
      if (!running.contains(id)) {
        missing.add(id);
      }
    });
    JsonObject data = new JsonObject().put("deployments", expected.size());
    return missing.isEmpty() ? Status.OK(data) : Status.KO(data.put("missing", missing));
  }
}
