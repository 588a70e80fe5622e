package verticles.erp;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import mraos.config.MraosConfig;
import mraos.failures.DeadLetters;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.Json;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.ClientRule;
import mraos.workorders.WorkOrders;

/** ERP's inbound endpoints (spec §3.2.1, §3.3): work-order webhook and material master data. */
public final class ErpRoutes implements ApiRoutes {

  public static final String WORK_ORDERS = "/api/v1/integrations/erp/work-orders";
  public static final String MATERIALS = "/api/v1/integrations/erp/materials";
  public static final String SYSTEM = MraosConfig.ERP;

  /** Found by ServiceLoader: the gateway mounts it. */
  public ErpRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    MraosConfig config = api.config();
    ClientRule actForErp = new ClientRule("act for ERP", config.security().erpAllowedClients(),
        config.security().erpRequiredScope(), config.security().knownClients());
    ErpOrderIntake intake = new ErpOrderIntake(WorkOrders.on(api.vertx(), config), DeadLetters.of(config), api.pool(),
        api.clock());
    MaterialMaster materials = new MaterialMaster(api.pool(), api.clock());

    api.router().post(WORK_ORDERS)
        .handler(Authorization.require(actForErp))
        .handler(new ErpWorkOrderHandler(intake));
    api.auditLabels().label(WORK_ORDERS, ErpOrderIntake.INTEGRATION_TYPE, SYSTEM);

    api.router().post(MATERIALS)
        .handler(Authorization.require(actForErp))
        .handler(new MaterialMasterHandler(materials));
    api.auditLabels().label(MATERIALS, MaterialMasterHandler.INTEGRATION_TYPE, SYSTEM);

    ClientRule readers = ClientRule.only("read reconciliation reports", config.security().knownClients());
    api.router().get(LATEST_RECONCILIATION).handler(Authorization.require(readers)).handler(ctx ->
        api.pool().query(LATEST_REPORT).execute().onSuccess(rows -> {
          if (rows.size() == 0) {
            ctx.fail(ApiError.notFound("No reconciliation has run yet"));
            return;
          }
          Row row = rows.iterator().next();
          Responses.json(ctx, 200, new JsonObject()
              .put("report_id", row.getLong("report_id"))
              .put("report_date", row.getLocalDate("report_date").toString())
              .put("generated_at", Json.time(Json.instant(row.getOffsetDateTime("generated_at"))))
              .put("window_start", Json.time(Json.instant(row.getOffsetDateTime("window_start"))))
              .put("window_end", Json.time(Json.instant(row.getOffsetDateTime("window_end"))))
              .put("total_work_orders_in_erp", row.getInteger("erp_work_orders"))
              .put("total_work_orders_in_mraos", row.getInteger("mraos_work_orders"))
              .put("discrepancies", row.getValue("discrepancies"))
              .put("text", row.getString("report_text")));
        }).onFailure(ctx::fail));
  }

  public static final String LATEST_RECONCILIATION = "/api/v1/reconciliation/reports/latest";
  static final String LATEST_REPORT = """
      SELECT report_id, report_date, generated_at, window_start, window_end, erp_work_orders, mraos_work_orders,
             discrepancies, report_text
        FROM reconciliation_reports ORDER BY generated_at DESC, report_id DESC LIMIT 1""";
}
