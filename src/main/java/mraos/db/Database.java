package mraos.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import mraos.config.DatabaseConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL, the system of record: schema migrations at start-up and the node's shared connection pool. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** Every verticle of a node that asks for the pool gets this one (Vert.x shares pools by name). */
  public static final String POOL_NAME = "mraos";
  public static final String BATCH_POOL_NAME = "mraos-batches";

  private Database() {
  }

  /** Brings the schema up to date (Flyway over JDBC). Blocking: runs once, before any verticle is deployed. */
  public static void migrate(DatabaseConfig config) {
    PgConnectOptions options = connectOptions(config);
    String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    MigrateResult result = Flyway.configure()
        .dataSource(jdbcUrl, options.getUser(), options.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info("Database schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion != null
        ? result.targetSchemaVersion : "current", result.migrationsExecuted);
  }

  /** Longest SQL text whose prepared statement a connection keeps (every statement MRAOS has fits). */
  static final int PREPARED_STATEMENT_SQL_LIMIT = 65_536;

  /** The node's pool; callers in different verticles share one set of connections. */
  public static Pool pool(Vertx vertx, DatabaseConfig config) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize()).setShared(true).setName(POOL_NAME))
        .connectingTo(connectOptions(config))
        .using(vertx)
        .build();
  }

  /**
   * The node's pool for batch statements: a line's batch of counts, a batch of new work orders. They are long statements
   * over {@code unnest} of array parameters, joined to their tables by key, whose best plan does not depend on the values;
   * PostgreSQL would still plan them anew at every execution (its estimate of a generic plan is never below the custom
   * ones), which cost it more than running them. Here it plans each once per connection ({@code plan_cache_mode =
   * force_generic_plan}), and again when the tables' statistics change (an ANALYZE invalidates the plan). Statements
   * whose plan does depend on the values, such as the filtered lists ({@code $1 IS NULL OR ...}), stay on {@link #pool}.
   */
  public static Pool batchPool(Vertx vertx, DatabaseConfig config) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.batchPoolSize()).setShared(true).setName(BATCH_POOL_NAME))
        .connectingTo(connectOptions(config).addProperty("plan_cache_mode", "force_generic_plan"))
        .using(vertx)
        .build();
  }

  /** Accepts {@code postgresql://user:pw@host:port/db} (or with {@code jdbc:} before it); user and password fill gaps. */
  public static PgConnectOptions connectOptions(DatabaseConfig config) {
    String url = config.url().startsWith("jdbc:") ? config.url().substring("jdbc:".length()) : config.url();
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    if (options.getUser() == null || options.getUser().isEmpty() || url.indexOf('@') < 0) {
      options.setUser(config.user()).setPassword(config.password());
    }
    // the hot statements (a line's batch of counts, a batch of new work orders) are longer than the client's default
    // limit for caching (2,048 characters): uncached, PostgreSQL parsed and planned them on every execution, which
    // cost it more than running them
    return options.setPipeliningLimit(256).setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_SQL_LIMIT).setReconnectAttempts(0);
  }
}
