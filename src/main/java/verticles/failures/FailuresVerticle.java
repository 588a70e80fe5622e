package verticles.failures;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.metrics.Meters;
import mraos.time.NodeClock;

import java.util.ArrayList;
import java.util.List;

/**
 * The dead letters' figures as Prometheus gauges (once in the cluster, so they are counted once): open failures,
 * failures in the last hour, average time to resolution, each by integration type, counted again every
 * {@code failures.figures-interval}. Deployment config: {@code {"mraos": <node config>}}.
 */
public final class FailuresVerticle extends VerticleBase {

  private MultiGauge open;
  private MultiGauge lastHour;
  private MultiGauge resolution;
  private long timer;

  @Override
  public Future<?> start() {
    MraosConfig config = MraosConfig.from(config().getJsonObject("mraos"));
    FailureStats stats = new FailureStats(Database.pool(vertx, config.database()), NodeClock.of(vertx));
    MeterRegistry meters = Meters.registry(config.metricsRegistryName());
    open = MultiGauge.builder(Meters.FAILURES_OPEN).description("Integration failures waiting for review").register(meters);
    lastHour = MultiGauge.builder(Meters.FAILURES_LAST_HOUR).description("Integration failures in the last hour").register(meters);
    resolution = MultiGauge.builder(Meters.FAILURES_RESOLUTION).description("Average time to resolve a failure")
        .baseUnit("seconds").register(meters);
    timer = vertx.setPeriodic(0, config.failures().figuresInterval().toMillis(),
        id -> stats.snapshot().onSuccess(this::publish));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void publish(JsonObject snapshot) {
    List<MultiGauge.Row<?>> openRows = new ArrayList<>();
    List<MultiGauge.Row<?>> hourRows = new ArrayList<>();
    List<MultiGauge.Row<?>> resolutionRows = new ArrayList<>();
    JsonObject byType = snapshot.getJsonObject("by_type");
    for (String type : byType.fieldNames()) {
      JsonObject figures = byType.getJsonObject(type);
      Tags tags = Tags.of(Meters.TAG_INTEGRATION, type);
      openRows.add(MultiGauge.Row.of(tags, figures.getLong("open")));
      hourRows.add(MultiGauge.Row.of(tags, figures.getLong("failed_last_hour")));
      Double avg = figures.getDouble("avg_resolution_seconds");
      if (avg != null) {
        resolutionRows.add(MultiGauge.Row.of(tags, avg));
      }
    }
    open.register(openRows, true);
    lastHour.register(hourRows, true);
    resolution.register(resolutionRows, true);
  }
}
