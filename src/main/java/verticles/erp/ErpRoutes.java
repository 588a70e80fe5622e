package verticles.erp;

import mraos.config.MraosConfig;
import mraos.failures.DeadLetters;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
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
        ReconciliationReports.latest(api.pool()).onSuccess(report -> {
          if (report == null) {
            ctx.fail(ApiError.notFound("No reconciliation has run yet"));
          } else {
            Responses.json(ctx, 200, report);
          }
        }).onFailure(ctx::fail));
  }

  public static final String LATEST_RECONCILIATION = "/api/v1/reconciliation/reports/latest";
}
