package verticles.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.audit.AuditEntry;
import mraos.audit.AuditLog;
import mraos.http.CorrelationIds;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.metrics.Meters;
import mraos.security.Caller;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Audits every request to {@code /api/v1/integrations/**}, accepted or refused (spec §9.3): payloads, status, time
 * taken, client and correlation id. Installed before authentication, so refused callers are audited too.
 */
final class AuditTrail implements Handler<RoutingContext> {

  static final String PREFIX = "/api/v1/integrations/";

  /** Integration type and external system of an endpoint, e.g. erp_work_order_inbound / ERP. */
  record Label(String integrationType, String externalSystem) {
  }

  private final AuditLog log;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Map<String, Label> labels = new ConcurrentHashMap<>();
  /** The request counter and timer of each label and outcome, looked up once (a registry lookup per request costs). */
  private final Map<Instruments.Key, Instruments> instruments = new ConcurrentHashMap<>();

  private record Instruments(Counter requests, Timer duration) {
    record Key(Label label, String outcome) {
    }

    /** Paths outside the known endpoints make labels of their own: beyond this many, meters are looked up each time. */
    static final int MAX_CACHED = 1_000;
  }

  AuditTrail(AuditLog log, Clock clock, MeterRegistry meters) {
    this.log = log;
    this.clock = clock;
    this.meters = meters;
  }

  void label(String path, String integrationType, String externalSystem) {
    labels.put(path, new Label(integrationType, externalSystem));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    ctx.addEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      JsonObject response = ctx.get(Responses.BODY_KEY);
      String responseText = ctx.get(Responses.TEXT_KEY);
      Caller caller = ctx.get(Caller.CONTEXT_KEY);
      String path = ctx.normalizedPath();
      Label label = labels.getOrDefault(path, unlabelled(path));
      long nanos = System.nanoTime() - startNanos;
      Instruments meter = instruments(label, Meters.outcome(status));
      meter.requests().increment();
      meter.duration().record(nanos, TimeUnit.NANOSECONDS);
      log.record(new AuditEntry(started, label.integrationType(), AuditEntry.Direction.INBOUND, label.externalSystem(),
          requestPayload(ctx), responseText != null ? new AuditLog.JsonText(responseText) : response, status,
          nanos / 1_000_000, status < 400,
          status < 400 || response == null ? null : response.getString("message"),
          caller == null ? null : caller.clientId(), CorrelationIds.of(ctx), ctx.request().method().name(), path));
    });
    ctx.next();
  }

  private Instruments instruments(Label label, String outcome) {
    Instruments.Key key = new Instruments.Key(label, outcome);
    Instruments known = instruments.get(key);
    if (known != null) {
      return known;
    }
    Tags tags = Tags.of(Meters.TAG_SYSTEM, label.externalSystem(), Meters.TAG_INTEGRATION, label.integrationType(),
        Meters.TAG_OUTCOME, outcome);
    Instruments made = new Instruments(meters.counter(Meters.INTEGRATION_REQUESTS, tags),
        meters.timer(Meters.INTEGRATION_DURATION, tags));
    if (instruments.size() < Instruments.MAX_CACHED) {
      instruments.put(key, made);
    }
    return made;
  }

  private static Label unlabelled(String path) {
    String rest = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : path;
    int slash = rest.indexOf('/');
    String system = (slash < 0 ? rest : rest.substring(0, slash)).toUpperCase(Locale.ROOT);
    return new Label("unknown_endpoint", system.isEmpty() ? "UNKNOWN" : system);
  }

  /**
   * The body as received: its text, marked as JSON when it is a JSON object or array (the database turns it into jsonb),
   * plain text otherwise. A body the handler already read as a JSON object is not parsed again; one refused before
   * that (no token, wrong content type, ...) is checked here.
   */
  private static Object requestPayload(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    if (Boolean.TRUE.equals(ctx.get(RequestBodies.JSON_KEY))) {
      return new AuditLog.JsonText(body.toString());
    }
    try {
      Object json = body.toJsonValue();
      return json instanceof JsonObject || json instanceof io.vertx.core.json.JsonArray
          ? new AuditLog.JsonText(body.toString()) : body.toString();
    } catch (DecodeException e) {
      return body.toString();
    }
  }
}
