package verticles.erp;

import mraos.config.MraosConfig;
import mraos.security.Authorization;
import mraos.security.ClientRule;
import verticles.failures.IntegrationFailures;
import verticles.gateway.ApiContext;

/** ERP's inbound endpoints (spec §3.2.1, §3.3): work-order webhook and material master data. */
public final class ErpRoutes {

  public static final String WORK_ORDERS = "/api/v1/integrations/erp/work-orders";
  public static final String MATERIALS = "/api/v1/integrations/erp/materials";
  public static final String SYSTEM = "ERP";

  private ErpRoutes() {
  }

  public static void mount(ApiContext api) {
    MraosConfig config = api.config();
    ClientRule actForErp = new ClientRule("act for ERP", config.security().erpAllowedClients(),
        config.security().erpRequiredScope(), config.security().knownClients());
    IntegrationFailures failures = new IntegrationFailures(config.kafka().integrationFailuresTopic());
    WorkOrderIntake intake = new WorkOrderIntake(api.pool(), api.clock(), config.kafka().workOrdersTopic(), failures);
    MaterialMaster materials = new MaterialMaster(api.pool(), api.clock());

    api.router().post(WORK_ORDERS)
        .handler(Authorization.require(actForErp))
        .handler(new ErpWorkOrderHandler(intake, api.vertx().eventBus()));
    api.auditLabels().label(WORK_ORDERS, WorkOrderIntake.INTEGRATION_TYPE, SYSTEM);

    api.router().post(MATERIALS)
        .handler(Authorization.require(actForErp))
        .handler(new MaterialMasterHandler(materials));
    api.auditLabels().label(MATERIALS, MaterialMasterHandler.INTEGRATION_TYPE, SYSTEM);
  }
}
