package mraos.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import mraos.config.MraosConfig;

import java.time.Clock;

/**
 * What an area needs to mount its routes on the gateway: the router (authentication already in front of
 * {@code /api}), the node's pool, clock and configuration, and a way to label its integration endpoints for the audit.
 */
public record ApiContext(Vertx vertx, Router router, Pool pool, Clock clock, MraosConfig config, AuditLabels auditLabels) {

  /** Names the integration type and external system audit rows of an endpoint carry. */
  @FunctionalInterface
  public interface AuditLabels {
    void label(String path, String integrationType, String externalSystem);
  }
}
