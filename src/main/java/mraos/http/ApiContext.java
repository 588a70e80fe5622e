package mraos.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import mraos.config.MraosConfig;

import java.time.Clock;

/**
 * What an area needs to mount its routes on the gateway: the router (authentication already in front of
 * {@code /api}), the node's pool, clock and configuration, a way to label its integration endpoints for the audit, and
 * the gate where an endpoint lets its callers in otherwise than the rest of the API.
 */
public record ApiContext(Vertx vertx, Router router, Pool pool, Clock clock, MraosConfig config, AuditLabels auditLabels,
                         Gate gate) {

  /** Names the integration type and external system audit rows of an endpoint carry. */
  @FunctionalInterface
  public interface AuditLabels {
    void label(String path, String integrationType, String externalSystem);
  }

  /**
   * How the gateway lets callers into one endpoint where that differs from the rest of the API (an OAuth 2.0 bearer
   * token; {@code security.rate-limit} per client): a system that holds no tokens (HR's time clock, with its
   * {@code X-API-Key}) is authenticated by its area, and an endpoint may have a rate limit of its own. Both are keyed
   * by the exact path, and set while the routes are mounted.
   */
  public interface Gate {

    /**
     * Callers of {@code path} are authenticated by {@code authentication} instead of a bearer token: it puts a
     * {@link mraos.security.Caller} under {@link mraos.security.Caller#CONTEXT_KEY} and calls {@code next()}, or fails
     * the request (401 {@code INT-001}).
     */
    void authenticatedBy(String path, Handler<RoutingContext> authentication);

    /** Requests per minute per client on {@code path} (no 60 s span accepts more), instead of the node's limit. */
    void rateLimit(String path, int requestsPerMinute);
  }
}
