package verticles.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.config.ErpConfig;
import mraos.jobs.ScheduledJob;
import mraos.outbound.OutboundCall;

import java.time.Instant;

/**
 * Pulls ERP's material master (spec §3.2.1: daily at 02:00, and on demand), every page of
 * {@code GET {erp}/api/v1/materials}, and upserts it as the push endpoint does (changes audited with source erp_pull).
 * Rows ERP sends that break the schema are skipped and counted.
 */
public final class MaterialMasterPull implements ScheduledJob {

  public static final String JOB = "erp-material-master-pull";
  public static final String INTEGRATION_TYPE = "erp_material_master_pull";

  @Override
  public String name() {
    return JOB;
  }

  @Override
  public Future<JsonObject> run(Context context, Instant slot) {
    MaterialMaster master = new MaterialMaster(context.pool(), context.clock());
    JsonObject totals = new JsonObject().put("pages", 0).put("received", 0).put("created", 0).put("updated", 0)
        .put("unchanged", 0).put("rejected", 0);
    return page(context, master, 1, "pull-" + slot.toEpochMilli(), totals);
  }

  private Future<JsonObject> page(Context context, MaterialMaster master, int page, String correlationId, JsonObject totals) {
    ErpConfig erp = context.config().erp();
    String path = erp.materialsPath() + "?page=" + page + "&page_size=" + erp.pageSize();
    return OutboundCall.get(context.vertx(), ErpRoutes.SYSTEM, INTEGRATION_TYPE, path, correlationId,
            erp.system().requestTimeout().multipliedBy(2))
        .compose(body -> {
          JsonArray materials = body.getJsonArray("materials", new JsonArray());
          if (materials.isEmpty()) {
            return Future.succeededFuture(totals);
          }
          MaterialPayload.Parsed parsed = MaterialPayload.fromJson(new JsonObject().put("materials", materials));
          totals.put("pages", page).put("received", totals.getInteger("received") + parsed.received())
              .put("rejected", totals.getInteger("rejected") + parsed.rejected().size());
          Future<MaterialMaster.Result> upserted = master.upsert(parsed.accepted(),
              new MaterialMaster.Change("erp_pull", "mraos", correlationId));
          return upserted.compose(result -> {
            totals.put("created", totals.getInteger("created") + result.created())
                .put("updated", totals.getInteger("updated") + result.updated())
                .put("unchanged", totals.getInteger("unchanged") + result.unchanged());
            long total = body.getLong("total_count", 0L);
            boolean more = (long) page * erp.pageSize() < total;
            return more ? page(context, master, page + 1, correlationId, totals) : Future.succeededFuture(totals);
          });
        });
  }
}
