package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.workorders.InspectionTally;
import mraos.workorders.WorkOrders;
import verticles.lines.MesMessage.Inspection;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static verticles.lines.BatchEffects.utc;

/**
 * A batch's quality inspections (spec §4.2.1): each kept once (by its inspection id: a redelivery changes nothing),
 * added to its work order's quality figures (passed, failed, the defect types found), on the live feed, and a defect
 * alerts the supervisor.
 */
final class Inspections {

  static final String INSERT = """
      INSERT INTO quality_inspections (inspection_id, work_order_id, machine_id, inspection_type, result, defect_detected,
          defect_type, inspector, inspected_at, recorded_at)
      SELECT * , $10::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[],
          $7::text[], $8::text[], $9::timestamptz[])
      ON CONFLICT (inspection_id) DO NOTHING
      RETURNING inspection_id""";

  private Inspections() {
  }

  static Future<Void> apply(SqlConnection tx, List<MesMessage> messages, WorkOrders workOrders, BatchEffects effects) {
    Map<String, Inspection> unique = new LinkedHashMap<>();
    messages.stream().filter(Inspection.class::isInstance).map(Inspection.class::cast)
        .forEach(i -> unique.putIfAbsent(i.inspectionId(), i));
    if (unique.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Inspection> all = new ArrayList<>(unique.values());
    Tuple params = Tuple.tuple()
        .addArrayOfString(all.stream().map(Inspection::inspectionId).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::workOrderId).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::machineId).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::inspectionType).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::result).toArray(String[]::new))
        .addArrayOfBoolean(all.stream().map(Inspection::defectDetected).toArray(Boolean[]::new))
        .addArrayOfString(all.stream().map(Inspection::defectType).toArray(String[]::new))
        .addArrayOfString(all.stream().map(Inspection::inspector).toArray(String[]::new))
        .addArrayOfOffsetDateTime(all.stream().map(i -> utc(i.timestamp())).toArray(OffsetDateTime[]::new))
        .addOffsetDateTime(utc(effects.now()));
    return tx.preparedQuery(INSERT).execute(params).compose(rows -> {
      Set<String> fresh = new HashSet<>();
      rows.forEach(r -> fresh.add(r.getString("inspection_id")));
      Map<String, int[]> perOrder = new LinkedHashMap<>();
      Map<String, Set<String>> defectTypes = new LinkedHashMap<>();
      for (Inspection i : all) {
        if (fresh.contains(i.inspectionId())) { // else delivered before: already counted and alerted
          recorded(i, effects);
          if (i.workOrderId() != null) {
            perOrder.computeIfAbsent(i.workOrderId(), k -> new int[2])[i.defectDetected() ? 1 : 0]++;
            Set<String> types = defectTypes.computeIfAbsent(i.workOrderId(), k -> new LinkedHashSet<>());
            if (i.defectDetected() && i.defectType() != null && !i.defectType().isBlank()) {
              types.add(i.defectType());
            }
          }
        }
      }
      List<InspectionTally> tallies = new ArrayList<>();
      perOrder.forEach((order, counts) -> tallies.add(new InspectionTally(order, counts[0], counts[1],
          List.copyOf(defectTypes.get(order)))));
      return workOrders.inspected(tx, tallies, effects.now());
    }).compose(v -> effects.writeAlerts(tx));
  }

  private static void recorded(Inspection i, BatchEffects effects) {
    JsonObject data = new JsonObject().put("inspection_id", i.inspectionId()).put("machine_id", i.machineId())
        .put("work_order_id", i.workOrderId()).put("result", i.result()).put("defect_detected", i.defectDetected())
        .put("defect_type", i.defectType()).put("inspected_at", i.timestamp().toString()).put("line_id", effects.lineId());
    effects.live("inspection", data);
    if (i.defectDetected()) {
      effects.alert("warning", "quality_defect", i.machineId(), i.workOrderId(), "Defect on " + i.machineId()
          + (i.workOrderId() == null ? "" : " for " + i.workOrderId()) + ": "
          + (i.defectType() == null ? "unspecified" : i.defectType()) + " (inspection " + i.inspectionId() + ")", data);
    }
  }
}
