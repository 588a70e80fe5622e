package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.health.NodeStatus;
import mraos.time.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * HR's housekeeping, once in the cluster (a singleton): every {@code hr.housekeeping-interval} it forgets the
 * Idempotency-Keys past their retention, and reports the time clock's API keys in the integration status (part
 * {@code hr-api-keys} of HR): yellow while a valid key is older than {@code hr.attendance.key-max-age} (rotate it), red
 * when no key is valid (the time clock cannot get in). Deployment config: {@code {"mraos": <node config>}}.
 */
public final class HrVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HrVerticle.class);
  static final String PART = "hr-api-keys";

  private Pool pool;
  private Clock clock;
  private HrSettings settings;
  private long timer;

  @Override
  public Future<?> start() {
    MraosConfig config = MraosConfig.from(config().getJsonObject("mraos"));
    settings = HrSettings.of(config);
    pool = Database.pool(vertx, config.database());
    clock = NodeClock.of(vertx);
    timer = vertx.setPeriodic(0, settings.housekeepingInterval().toMillis(), id -> housekeeping());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    NodeStatus.forget(vertx, PART);
    return Future.succeededFuture();
  }

  private void housekeeping() {
    IdempotencyKeys.purge(pool, clock.instant()).onSuccess(n -> {
      if (n > 0) {
        LOG.info("HR: {} Idempotency-Key(s) past their retention forgotten", n);
      }
    }).onFailure(e -> LOG.warn("HR: expired Idempotency-Keys not removed ({}); tried again in {}", e.getMessage(),
        settings.housekeepingInterval()));
    ApiKeys.list(pool, clock.instant(), settings.keyMaxAge()).onSuccess(this::reportKeys)
        .onFailure(e -> LOG.warn("HR: API keys not checked ({})", e.getMessage()));
  }

  private void reportKeys(JsonArray keys) {
    JsonArray active = new JsonArray();
    JsonArray due = new JsonArray();
    keys.forEach(k -> {
      JsonObject key = (JsonObject) k;
      if (key.getString("status").equals("active")) {
        active.add(key.getString("key_id"));
        if (key.getBoolean("rotation_due")) {
          due.add(new JsonObject().put("key_id", key.getString("key_id")).put("client_id", key.getString("client_id"))
              .put("age_days", key.getLong("age_days")));
        }
      }
    });
    JsonObject data = new JsonObject().put("active_keys", active).put("rotation_due", due)
        .put("rotation_period_days", settings.keyMaxAge().toDays());
    if (active.isEmpty()) {
      NodeStatus.report(vertx, PART, HrRoutes.SYSTEM, NodeStatus.State.DOWN, "no valid API key: the time clock cannot post"
          + " attendance (POST /api/v1/hr/api-keys makes one)", data);
    } else if (!due.isEmpty()) {
      NodeStatus.report(vertx, PART, HrRoutes.SYSTEM, NodeStatus.State.DEGRADED, due.size() + " API key(s) older than "
          + settings.keyMaxAge().toDays() + " days: rotate them (" + due.encode() + ")", data);
    } else {
      NodeStatus.report(vertx, PART, HrRoutes.SYSTEM, NodeStatus.State.UP, active.size() + " valid API key(s), none due"
          + " for rotation", data);
    }
  }
}
