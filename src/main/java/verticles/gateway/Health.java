package verticles.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import mraos.events.Addresses;
import mraos.health.Readiness;
import mraos.security.TokenVerifier;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code /health/live}: the event loop answers. {@code /health/ready}: UP only while PostgreSQL answers, every part of
 * the node reports itself connected (Kafka, ...), every verticle the node deployed is still deployed, and the token
 * issuer's keys are loaded. 503 with the failing checks otherwise.
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
    ready.register("components", promise -> promise.complete(components(vertx)));
    ready.register("token-issuer", promise -> promise.complete(tokens.ready() ? Status.OK()
        : Status.KO(new JsonObject().put("error", tokens.problem()))));
    // information, not a condition: an external system being down must not take MRAOS out of service
    ready.register("outbound", checkTimeout.toMillis(), promise -> vertx.sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.OUTBOUND_STATE_MAP)
        .compose(map -> map.entries())
        .onComplete(ar -> promise.complete(Status.OK(ar.succeeded() ? new JsonObject(new java.util.TreeMap<>(ar.result()))
            : new JsonObject().put("error", ar.cause().getMessage())))));
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

  private static Status components(Vertx vertx) {
    Map<String, JsonObject> reports = Readiness.components(vertx, true);
    JsonObject data = new JsonObject();
    boolean allUp = !reports.isEmpty();
    for (Map.Entry<String, JsonObject> report : reports.entrySet()) {
      data.put(report.getKey(), report.getValue());
      allUp &= report.getValue().getBoolean("up", false);
    }
    return allUp ? Status.OK(data) : Status.KO(data);
  }
}
