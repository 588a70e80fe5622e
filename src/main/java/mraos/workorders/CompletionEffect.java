package mraos.workorders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import mraos.config.MraosConfig;
import mraos.outbound.OutboundRequest;

import java.util.List;

/**
 * What an area does when a work order completes, in the transaction that completes it (e.g. ERP queues its completion
 * report, spec §3.2.2). Implementations are found with {@link java.util.ServiceLoader}: the work-order area knows none
 * of them.
 */
public interface CompletionEffect {

  /** Called once, before any completion, with the node it runs on. */
  default void configure(Vertx vertx, MraosConfig config) {
  }

  /** Acts on the completion in {@code tx}; answers the calls out it queued (their systems are woken after the commit). */
  Future<List<OutboundRequest>> completed(SqlConnection tx, Completion completion);
}
