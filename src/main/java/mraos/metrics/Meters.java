package mraos.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * MRAOS's own meter names (Prometheus turns the dots into underscores) and the node's registry. Vert.x adds its own
 * (HTTP server latency by route and status, pools, event bus) to the same registry.
 */
public final class Meters {

  /** Integration calls by external system, integration type and outcome (success, client_error, server_error). */
  public static final String INTEGRATION_REQUESTS = "mraos.integration.requests";
  /** Time to answer an integration call, same tags. */
  public static final String INTEGRATION_DURATION = "mraos.integration.duration";
  /** Events committed to the outbox and not yet on Kafka. */
  public static final String OUTBOX_PENDING = "mraos.outbox.pending";
  /** Events relayed from the outbox to Kafka. */
  public static final String OUTBOX_RELAYED = "mraos.outbox.relayed";

  /** ERP work orders stored per statement of the intake (how much the intake batches under load). */
  public static final String INTAKE_BATCH_ORDERS = "mraos.intake.batch.orders";

  /** Calls to an external system by outcome (delivered or the error class). */
  public static final String OUTBOUND_ATTEMPTS = "mraos.outbound.attempts";
  /** Each system's circuit breaker: 0 closed, 1 half-open, 2 open. */
  public static final String OUTBOUND_BREAKER_STATE = "mraos.outbound.breaker.state";
  /** Calls waiting for a system (due or scheduled for retry). */
  public static final String OUTBOUND_QUEUE_DEPTH = "mraos.outbound.queue.depth";

  /** Integration failures waiting for review, by integration type (the dead-letter queue depth). */
  public static final String FAILURES_OPEN = "mraos.failures.open";
  /** Integration failures recorded in the last hour, by integration type (failure rate). */
  public static final String FAILURES_LAST_HOUR = "mraos.failures.last.hour";
  /** Average time from failure to resolution, by integration type. */
  public static final String FAILURES_RESOLUTION = "mraos.failures.resolution";

  /** MES messages a line handled, by outcome (applied, dead_letter). */
  public static final String MES_MESSAGES = "mraos.mes.messages";
  /** From a MES message's arrival to the commit of its effect (the acknowledgement follows at once). */
  public static final String MES_COMMIT_LATENCY = "mraos.mes.commit.latency";
  /** MES messages a line wrote per batch (one transaction): a few on a quiet line, growing with the load. */
  public static final String MES_BATCH_MESSAGES = "mraos.mes.batch.messages";
  /** Lines' batches of counts per statement of the node's count writer: 1 on a quiet node, more under load. */
  public static final String MES_COUNT_STATEMENT_BATCHES = "mraos.mes.count.statement.batches";
  /** Messages a line holds, not yet written. */
  public static final String LINE_BUFFER = "mraos.lines.buffer";

  /** The inventory CDC replica's events by outcome (applied, gap, stale, duplicate, invalid). */
  public static final String INVENTORY_CDC_EVENTS = "mraos.inventory.cdc.events";
  /** From a CDC event's source timestamp (the warehouse's time) to the commit of its effect in the replica. */
  public static final String INVENTORY_CDC_LAG = "mraos.inventory.cdc.lag";
  /** CDC events per transaction of the replica. */
  public static final String INVENTORY_CDC_BATCH = "mraos.inventory.cdc.batch.events";

  public static final String TAG_LINE = "line";
  public static final String TAG_SYSTEM = "system";
  public static final String TAG_INTEGRATION = "integration_type";
  public static final String TAG_OUTCOME = "outcome";

  private Meters() {
  }

  /** The node's registry; a private one when metrics are off (e.g. a verticle deployed on a bare Vert.x). */
  public static MeterRegistry registry(String registryName) {
    MeterRegistry registry = BackendRegistries.getNow(registryName);
    return registry != null ? registry : new SimpleMeterRegistry();
  }

  public static String outcome(int httpStatus) {
    return httpStatus < 400 ? "success" : httpStatus < 500 ? "client_error" : "server_error";
  }
}
