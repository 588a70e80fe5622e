package mraos.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Which node holds each singleton now, as the lock sessions' bookkeeping ({@code singleton_holders}) says. */
public final class SingletonHolders {

  /** Holders that proved their hold within $1 ms. */
  static final String CURRENT = """
      SELECT singleton, node_name FROM singleton_holders
       WHERE renewed_at > clock_timestamp() - make_interval(secs => $1::bigint / 1000.0)""";

  private SingletonHolders() {
  }

  /** Singleton name → the node that holds it, for those whose holder proved its hold within {@code freshness}. */
  public static Future<Map<String, String>> current(SqlClient db, Duration freshness) {
    return db.preparedQuery(CURRENT).execute(Tuple.of(freshness.toMillis())).map(rows -> {
      Map<String, String> holders = new TreeMap<>();
      rows.forEach(row -> holders.put(row.getString("singleton"), row.getString("node_name")));
      return holders;
    });
  }
}
