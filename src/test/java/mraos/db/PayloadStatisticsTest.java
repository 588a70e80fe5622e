package mraos.db;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import mraos.config.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testsupport.TestServices;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ANALYZE leaves the JSON payload columns out (V6): no query looks inside them, and their statistics were most of what
 * analyzing the busiest tables cost. Every jsonb column of the schema, including any added later, must say so.
 */
class PayloadStatisticsTest {

  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    DatabaseConfig config = TestServices.get().nodeConfig().database();
    Database.migrate(config);
    pool = Database.pool(vertx, config);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void everyJsonColumnIsLeftOutOfStatistics() {
    List<String> jsonColumns = new ArrayList<>();
    List<String> withStatistics = new ArrayList<>();
    for (Row row : pool.query("""
        SELECT c.relname || '.' || a.attname AS col, coalesce(a.attstattarget, -1) AS target
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.atttypid = 'jsonb'::regtype AND NOT a.attisdropped
         ORDER BY 1""").execute().await()) {
      jsonColumns.add(row.getString("col"));
      if (row.getInteger("target") != 0) {
        withStatistics.add(row.getString("col"));
      }
    }
    assertThat(jsonColumns).contains("integration_audit_log.request_payload", "integration_audit_log.response_payload",
        "outbox_events.envelope", "integration_failures.original_message");
    assertThat(withStatistics).as("jsonb columns ANALYZE still computes statistics for").isEmpty();
  }

  @Test
  void analyzeKeepsTheOtherColumnsStatistics() {
    pool.query("""
        INSERT INTO integration_audit_log (timestamp, integration_type, direction, external_system, request_payload,
            response_payload, http_status_code, processing_time_ms, success, correlation_id)
        SELECT now(), 'payload_statistics_test', 'inbound', 'ERP', jsonb_build_object('n', g), '{"status":"success"}',
               200, 1, true, 'corr_payload_statistics_' || g
          FROM generate_series(1, 200) g""").execute().await();
    pool.query("ANALYZE integration_audit_log").execute().await();
    List<String> analyzed = new ArrayList<>();
    for (Row row : pool.query("SELECT attname FROM pg_stats WHERE tablename = 'integration_audit_log' ORDER BY 1")
        .execute().await()) {
      analyzed.add(row.getString("attname"));
    }
    assertThat(analyzed).contains("integration_type", "correlation_id", "timestamp")
        .doesNotContain("request_payload", "response_payload");
  }
}
