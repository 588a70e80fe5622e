package mraos.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import mraos.config.MraosConfig;

import java.time.Clock;
import java.time.Instant;

/**
 * A job the scheduler runs at its slots (and anyone may run on demand). Found with {@link java.util.ServiceLoader};
 * its {@link #name()} is its key under {@code scheduler.jobs} in conf/mraos.yaml, where its schedule is.
 */
public interface ScheduledJob {

  /** What a run needs from the node. */
  record Context(Vertx vertx, Pool pool, Clock clock, MraosConfig config) {
  }

  String name();

  /**
   * Integration type of its audit rows and of the failure kept when a run fails: by default its name with underscores
   * ({@code erp-material-master-pull} → {@code erp_material_master_pull}).
   */
  default String integrationType() {
    return name().replace('-', '_');
  }

  /** Runs for the slot (the scheduled time, or now when run on demand); succeeds with a summary of what it did. */
  Future<JsonObject> run(Context context, Instant slot);
}
