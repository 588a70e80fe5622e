package verticles.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import mraos.audit.AuditLog;
import mraos.config.MraosConfig;
import mraos.db.Database;
import mraos.http.ApiContext;
import mraos.http.ApiRoutes;
import mraos.http.CorrelationIds;
import mraos.metrics.Meters;
import mraos.security.TokenVerifier;
import mraos.time.NodeClock;

import java.time.Clock;
import java.util.Comparator;
import java.util.ServiceLoader;

/**
 * The HTTP front door (one instance per core, stateless): health, metrics, the API under {@code /api/v1}, the landing
 * page and API browser ({@code /}, {@code /api-docs/}) and the integration admins' dead-letter review page
 * ({@code /admin/failures}). Every API call is authenticated by bearer token; integration endpoints are also audited
 * and rate-limited per client. The areas (ERP, work orders, ...) mount
 * their own routes.
 */
public final class GatewayVerticle extends VerticleBase {

  private AuditLog audit;
  private TokenVerifier tokens;

  @Override
  public Future<?> start() {
    MraosConfig config = MraosConfig.from(config());
    Clock clock = NodeClock.of(vertx);
    Pool pool = Database.pool(vertx, config.database());
    tokens = new TokenVerifier(vertx, config.security());
    tokens.start();
    audit = new AuditLog(vertx, pool, config.audit(), config.node().name());
    AuditTrail auditTrail = new AuditTrail(audit, clock, Meters.registry(config.metricsRegistryName()));

    Router router = Router.router(vertx);
    router.route().handler(CorrelationIds::handle);
    Health.mount(router, vertx, pool, tokens, config.http().healthCheckTimeout());
    router.get("/metrics").handler(PrometheusScrapingHandler.create(config.metricsRegistryName()));
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
        .sendFile("webroot/openapi.yaml"));
    ApiDocs.mount(router);
    // the integration admins' pages: static, no token to load them (their API calls carry it), nothing from elsewhere
    router.get("/admin/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-cache");
      ctx.next();
    });
    router.get("/admin/failures").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .sendFile("webroot/admin/failures.html"));
    router.get("/admin/*").handler(StaticHandler.create("webroot/admin").setCachingEnabled(false));

    router.route(AuditTrail.PREFIX + "*").handler(auditTrail);
    if (config.http().maxInFlight() > 0) {
      // a supervisor's live feed is a long-lived WebSocket, not a request being worked on: it is not admitted here
      Admission admission = new Admission(config.http().maxInFlight(), config.http().overCapacityRetryAfter(),
          Meters.registry(config.metricsRegistryName()).counter(Admission.SHED));
      router.route("/api/*").handler(ctx -> {
        if (Authentication.isWebSocketUpgrade(ctx)) {
          ctx.next();
        } else {
          admission.handle(ctx);
        }
      });
    }
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes());
    router.route("/api/*").handler(ctx -> {
      if (Authentication.isWebSocketUpgrade(ctx)) {
        ctx.next(); // a handshake has no body, and reading it would spoil the upgrade
      } else {
        bodies.handle(ctx);
      }
    });
    Gates gates = new Gates(vertx, clock);
    router.route("/api/*").handler(new Authentication(tokens, gates));
    router.route(AuditTrail.PREFIX + "*").handler(new RateLimit(new RateLimiter(vertx, clock,
        config.security().requestsPerMinute()), gates));

    ApiContext api = new ApiContext(vertx, router, pool, clock, config, auditTrail::label, gates);
    // each area mounts its own routes: found on the class path, in a stable order
    ServiceLoader.load(ApiRoutes.class).stream().sorted(Comparator.comparing(p -> p.type().getName()))
        .forEach(routes -> routes.get().mount(api));

    FailureHandler failures = new FailureHandler(config.http().maxBodyBytes(), config.http().unavailableRetryAfter());
    router.route().failureHandler(failures);
    router.errorHandler(404, failures).errorHandler(405, failures);

    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(config.http().port())
            .setCompressionSupported(true))
        .requestHandler(router)
        .listen()
        .map(HttpServer::actualPort);
  }

  @Override
  public Future<?> stop() {
    tokens.close();
    return audit.flush();
  }
}
