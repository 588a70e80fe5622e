package mraos.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import testsupport.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch pool's connections plan a prepared statement once and reuse that plan ({@code force_generic_plan}); the
 * node's main pool keeps PostgreSQL's default, which plans anew at each execution when it thinks the values matter (the
 * filtered lists need that). Read from {@code pg_prepared_statements} on the connection that ran the statement.
 */
class BatchPoolTest {

  /** A statement over an array parameter, as the batch statements are. */
  static final String LOOKUP = "SELECT relname FROM pg_class WHERE relname = ANY($1::text[])";

  static Vertx vertx;
  static DatabaseConfig config;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    config = TestServices.get().nodeConfig().database();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void batchStatementsArePlannedOnce() {
    Pool batches = Database.batchPool(vertx, config);
    Row plans = batches.withConnection(conn -> runAndCountPlans(conn, 10)).await();
    assertThat(plans.getLong("custom_plans")).as("plans made for one execution").isZero();
    assertThat(plans.getLong("generic_plans")).as("executions on the plan made once").isEqualTo(10);
    batches.close().await();
  }

  @Test
  void theMainPoolKeepsPostgresDefault() {
    Pool main = Database.pool(vertx, config);
    Row plans = main.withConnection(conn -> runAndCountPlans(conn, 10)).await();
    assertThat(plans.getLong("custom_plans")).as("PostgreSQL plans the first executions for their values").isPositive();
    assertThat(main.withConnection(conn -> conn.query("SHOW plan_cache_mode").execute()).await().iterator().next().getString(0))
        .isEqualTo("auto");
    main.close().await();
  }

  private static Future<Row> runAndCountPlans(SqlConnection conn, int times) {
    Future<?> runs = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      String[] names = {"pg_class", "pg_type", "relation" + i};
      runs = runs.compose(v -> conn.preparedQuery(LOOKUP).execute(Tuple.of(names)));
    }
    return runs.compose(v -> conn.preparedQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1")
        .execute(Tuple.of(LOOKUP))).map(rows -> {
          assertThat(rows.size()).as("the statement is prepared on this connection").isEqualTo(1);
          return rows.iterator().next();
        });
  }
}
