package verticles.lines;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import mraos.plant.PlantModel;

import java.util.List;


/**
 * The plant model's lines and machines in PostgreSQL ({@code production_lines}, {@code machines}), where the lines keep
 * their machines' live status. Written by each node as it starts (the model is its configuration); idempotent.
 */
public final class PlantTables {

  static final String UPSERT_LINE = """
      INSERT INTO production_lines (line_id, name) VALUES ($1, $2)
      ON CONFLICT (line_id) DO UPDATE SET name = EXCLUDED.name""";
  static final String UPSERT_MACHINE = """
      INSERT INTO machines (machine_id, line_id, name, machine_type) VALUES ($1, $2, $3, $4)
      ON CONFLICT (machine_id) DO UPDATE SET line_id = EXCLUDED.line_id, name = EXCLUDED.name,
          machine_type = EXCLUDED.machine_type, updated_at = now()""";

  private PlantTables() {
  }

  /** Writes the model (lines first). */
  public static Future<Void> store(SqlClient db, PlantModel plant) {
    List<Tuple> lineRows = plant.lines().stream().map(l -> Tuple.of(l.id(), l.name())).toList();
    List<Tuple> machineRows = plant.machines().stream().map(m -> Tuple.of(m.id(), m.lineId(), m.name(), m.type())).toList();
    Future<?> storedLines = lineRows.isEmpty() ? Future.succeededFuture() : db.preparedQuery(UPSERT_LINE).executeBatch(lineRows);
    return storedLines.compose(v -> machineRows.isEmpty() ? Future.succeededFuture()
        : db.preparedQuery(UPSERT_MACHINE).executeBatch(machineRows)).mapEmpty();
  }
}
