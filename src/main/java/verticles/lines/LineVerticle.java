package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import mraos.cluster.SingletonLease;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.events.Addresses;
import mraos.failures.DeadLetters;
import mraos.health.NodeStatus;
import mraos.metrics.Meters;
import mraos.plant.PlantModel;
import mraos.time.NodeClock;
import mraos.workorders.WorkOrders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The actor of one production line (one per line in the cluster): every change the MES reports for the line's work
 * orders and machines goes through it, in order. It reads the line's MQTT topics on its own persistent session, takes
 * the OPC UA status of its machines and the admins' retries of its dead letters, and hands them to its
 * {@link LineWriter} (batches, acknowledgement after commit, buffering while PostgreSQL is away). After a restart, or on
 * another node, it rebuilds its machines' state from PostgreSQL. Deployment config: {@code {"mraos": ..., "line": id}}.
 */
public final class LineVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LineVerticle.class);

  static final String MACHINE_STATES = "SELECT machine_id, current_status, last_update_at FROM machines WHERE line_id = $1";

  /** An admin's retry of a dead letter is applied whatever its age: keeping it out was the age rule's whole effect. */
  static final Duration NO_AGE_LIMIT = Duration.ofSeconds(Long.MAX_VALUE);

  private MraosConfig config;
  private String lineId;
  private Map<String, PlantModel.Machine> machines;
  private Clock clock;
  private Pool pool;
  private WorkOrders workOrders;
  private MqttLineSession session;
  private LineWriter writer;
  private LineMeters meters;
  private boolean stopping;
  /** Whether this node still holds the line's lock: nothing is read or acknowledged without it. */
  private SingletonLease.Proof lease;

  @Override
  public Future<?> start() {
    config = MraosConfig.from(config().getJsonObject("mraos"));
    lineId = config().getString("line");
    lease = SingletonLease.proof(vertx, config());
    PlantModel plant = PlantModel.load(config.plantModel());
    if (plant.line(lineId).isEmpty()) {
      return Future.failedFuture("Line " + lineId + " is not in the plant model");
    }
    machines = MesMessage.machinesById(plant);
    pool = Database.batchPool(vertx, config.database()); // its statements are batches and look-ups by key
    clock = NodeClock.of(vertx);
    workOrders = WorkOrders.on(vertx, config);
    Map<String, String> statuses = new HashMap<>();
    Map<String, Instant> statusTimes = new HashMap<>();
    NodeStatus.report(vertx, component(), MraosConfig.MES, NodeStatus.State.DEGRADED, "starting");
    session = new MqttLineSession(vertx, config.mqtt(), lineId, this::onMqtt, this::onConnected);
    meters = LineMeters.of(Meters.registry(config.metricsRegistryName()), lineId);
    writer = new LineWriter(vertx, new LineWriter.Setup(lineId, config.lines(), pool, clock,
        config.kafka().resourceStatusTopic(), workOrders, DeadLetters.of(config)), session, lease,
        meters, new LineCompletions(vertx, lineId, workOrders),
        statuses, statusTimes);
    return pool.preparedQuery(MACHINE_STATES).execute(Tuple.of(lineId)).onSuccess(rows -> {
      rows.forEach(row -> {
        statuses.put(row.getString("machine_id"), row.getString("current_status"));
        if (row.getOffsetDateTime("last_update_at") != null) {
          statusTimes.put(row.getString("machine_id"), row.getOffsetDateTime("last_update_at").toInstant());
        }
      });
      vertx.eventBus().<JsonObject>consumer(Addresses.lineMachineStatus(lineId),
          message -> writer.enqueue(MesMessage.fromOpcUa(message.body(), lineId, machines, clock.instant()), null, null));
      vertx.eventBus().<JsonObject>consumer(Addresses.lineRetry(lineId), this::onRetry);
      session.start();
      LOG.info("Line {} runs here ({} machines)", lineId, statuses.size());
    }).onFailure(e -> NodeStatus.forget(vertx, component())); // a line that did not start is not this node's to report
  }

  /**
   * A clean stop hands the line over: what is pending is written and acknowledged, then the session closes. Without the
   * line's lock, the session closes at once and nothing more is acknowledged: another node may run the line already.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    NodeStatus.forget(vertx, component());
    if (!lease.held()) {
      session.stop();
      writer.abandon("line " + lineId + " moved to another node before the message was written");
      LOG.info("Line {}: stopped at once (the node lost the line's lock), {} message(s) left to its next holder", lineId,
          writer.pendingCount());
      meters.close();
      return Future.succeededFuture();
    }
    return writer.drain(System.currentTimeMillis() + config.lines().drainTimeout().toMillis())
        .eventually(() -> {
          session.stop();
          meters.close();
          return Future.succeededFuture();
        });
  }

  private void onMqtt(MqttLineSession.Received received) {
    if (stopping || !lease.held()) {
      return; // not acknowledged: the broker gives it to whoever runs the line next
    }
    writer.enqueue(MqttMessages.read(received.message().topicName(), received.message().payload(), lineId, machines,
        clock.instant(), config.lines().maxMessageAge(), config.mqtt().maxMessageSize()), received, null);
  }

  /**
   * An integration admin retries one of this line's MES dead letters ({@link Addresses#lineRetry}): it is checked as an
   * MQTT message would be (except its age) and, for a count or an inspection, against the work orders MRAOS holds, then
   * applied in order with the rest. The reply comes once it is committed; a refusal fails the request with the reason and
   * makes no new dead letter (the one retried stays under review).
   */
  private void onRetry(Message<JsonObject> request) {
    if (stopping) {
      request.fail(503, "Line " + lineId + " is being handed over; retry in a moment");
      return;
    }
    Buffer bytes = MesOriginal.payloadOf(request.body());
    MesMessage message = MqttMessages.read(request.body().getString("topic"), bytes, lineId, machines, clock.instant(),
        NO_AGE_LIMIT, config.mqtt().maxMessageSize());
    if (message instanceof MesMessage.Refused refused) {
      request.fail(400, refused.reason());
      return;
    }
    String workOrder = message instanceof MesMessage.Count c ? c.workOrderId()
        : message instanceof MesMessage.Inspection i ? i.workOrderId() : null;
    Future<Boolean> orderKnown = workOrder == null || writer.knownOrders().contains(workOrder) ? Future.succeededFuture(true)
        : workOrders.known(pool, Set.of(workOrder)).map(found -> !found.isEmpty());
    orderKnown.onComplete(known -> {
      if (known.failed()) {
        request.fail(503, "PostgreSQL unreachable: " + known.cause().getMessage());
      } else if (!known.result()) {
        request.fail(400, "Work order " + workOrder + " is not known to MRAOS");
      } else {
        Promise<JsonObject> applied = Promise.promise();
        applied.future().onSuccess(request::reply).onFailure(err -> request.fail(400, err.getMessage()));
        LOG.info("Line {}: applying a retried dead letter ({}) for {}", lineId, message.integrationType(),
            request.body().getString("failure_id"));
        writer.enqueue(message, null, applied);
      }
    });
  }

  private void onConnected(boolean connected) {
    if (stopping) {
      return; // the session closing as the line stops: the line is no longer this node's to report
    }
    if (connected) {
      writer.reconnected(session.connection());
      NodeStatus.report(vertx, component(), MraosConfig.MES, NodeStatus.State.UP, "MQTT session on " + config.mqtt().url());
    } else if (writer.paused()) {
      NodeStatus.report(vertx, component(), MraosConfig.MES, NodeStatus.State.DEGRADED,
          "reading paused: its buffer is full while PostgreSQL is away");
    } else {
      NodeStatus.report(vertx, component(), MraosConfig.MES, NodeStatus.State.DOWN,
          "MQTT broker " + config.mqtt().url() + " unreachable; reconnecting");
    }
  }

  private String component() {
    return "line-" + lineId;
  }
}
