package verticles.lines;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import mraos.http.ApiContext;
import mraos.http.ApiRoutes;
import mraos.http.Json;
import mraos.http.QueryParams;
import mraos.http.Responses;
import mraos.plant.PlantModel;
import mraos.security.Authorization;
import mraos.security.ClientRule;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plant's machines as the lines keep them: {@code GET /api/v1/machines?line=&status=}. Each with its line, status
 * (and since when), the work order the MES reports on it, and the figures its last OPC UA status carried. Any known
 * client may read.
 */
public final class MachineRoutes implements ApiRoutes {

  public static final String PATH = "/api/v1/machines";
  /** The {@code machines.current_status} values (MRAOS's words, spec §4.3's mapping). */
  static final Set<String> STATUSES = Set.of("running", "idle", "stopped", "breakdown", "maintenance", "offline", "unknown");
  /** {@code $1}: a line's id (as the MES names it, line2) or name (as ERP does, Line 2); null parameters match all. */
  static final String LIST = """
      SELECT m.machine_id, m.name, m.machine_type, m.line_id, l.name AS line_name, m.current_status, m.status_changed_at,
             m.last_update_at, m.current_work_order_id, m.utilization_percentage, m.overall_equipment_effectiveness,
             m.units_produced_this_cycle, m.cycle_time_seconds, m.downtime_seconds
        FROM machines m JOIN production_lines l ON l.line_id = m.line_id
       WHERE ($1::text IS NULL OR m.line_id = $1 OR l.name = $1)
         AND ($2::text IS NULL OR m.current_status = $2)
       ORDER BY m.line_id, m.machine_id""";

  /** Found by ServiceLoader: the gateway mounts it. */
  public MachineRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    ClientRule readers = ClientRule.only("read the plant's machines", api.config().security().knownClients());
    Set<String> modelled = PlantModel.load(api.config().plantModel()).machines().stream()
        .map(PlantModel.Machine::id).collect(Collectors.toUnmodifiableSet());
    Pool pool = api.pool();
    api.router().get(PATH).handler(Authorization.require(readers)).handler(ctx -> list(ctx, pool, modelled));
  }

  private static void list(RoutingContext ctx, Pool pool, Set<String> modelled) {
    String line = QueryParams.text(ctx, "line");
    String status = QueryParams.oneOf(ctx, "status", STATUSES);
    pool.preparedQuery(LIST).execute(Tuple.of(line, status)).onSuccess(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(row -> items.add(toJson(row, modelled)));
      Responses.json(ctx, 200, new JsonObject().put("items", items).put("total", items.size()));
    }).onFailure(ctx::fail);
  }

  static JsonObject toJson(Row row, Set<String> modelled) {
    String id = row.getString("machine_id");
    return new JsonObject()
        .put("machine_id", id)
        .put("name", row.getString("name"))
        .put("machine_type", row.getString("machine_type"))
        .put("line_id", row.getString("line_id"))
        .put("line_name", row.getString("line_name"))
        .put("status", row.getString("current_status"))
        .put("status_changed_at", Json.time(Json.instant(row.getOffsetDateTime("status_changed_at"))))
        .put("last_update_at", Json.time(Json.instant(row.getOffsetDateTime("last_update_at"))))
        .put("current_work_order_id", row.getString("current_work_order_id"))
        .put("utilization_percentage", Json.number(row.getBigDecimal("utilization_percentage")))
        .put("overall_equipment_effectiveness", Json.number(row.getBigDecimal("overall_equipment_effectiveness")))
        .put("units_produced_this_cycle", row.getInteger("units_produced_this_cycle"))
        .put("cycle_time_seconds", Json.number(row.getBigDecimal("cycle_time_seconds")))
        .put("downtime_seconds", row.getInteger("downtime_seconds"))
        // a machine taken out of conf/plant.yaml stays (its history stays valid) but no message for it is accepted
        .put("in_plant_model", modelled.contains(id));
  }
}
