package mraos.failures;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import mraos.config.MraosConfig;

import java.time.Instant;
import java.util.ServiceLoader;

/**
 * The dead-letter queue of spec §7.2 as every area feeds it: a message MRAOS could not integrate is kept for review in
 * the caller's transaction (so it is kept exactly when the refusal commits) and announced on Kafka topic
 * {@code integration-failures}. The failures area keeps it (its tables, its review); found with {@link ServiceLoader}.
 */
public interface DeadLetters {

  /** Keeps the failure and its dead-letter event; the result carries the new failure id. */
  Future<IntegrationFailure> record(SqlClient db, IntegrationFailure failure);

  /** A failure already kept, retried, failed again: back to review with what happened this time, announced again. */
  Future<Void> reopen(SqlClient db, IntegrationFailure again);

  /** A retried failure went through: resolved. */
  Future<Void> resolveAfterRetry(SqlClient db, String failureId, Instant at);

  /** The node's dead-letter queue. */
  static DeadLetters of(MraosConfig config) {
    return ServiceLoader.load(Provider.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("No dead-letter queue on the class path (verticles.failures)"))
        .create(config);
  }

  /** Makes the dead-letter queue for a node's configuration (a public no-argument constructor, for ServiceLoader). */
  interface Provider {
    DeadLetters create(MraosConfig config);
  }
}
