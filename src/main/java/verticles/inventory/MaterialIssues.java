package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.events.Addresses;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.CorrelationIds;
import mraos.http.ErrorCode;
import mraos.http.IdPattern;
import mraos.http.Json;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.plant.PlantModel;
import mraos.security.Authorization;
import mraos.security.ClientRule;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Material issued from the warehouse during a work order (spec §6.2.2, "material issued from inventory"):
 * {@code POST /api/v1/work-orders/{id}/material-issues} (supervisors) with {@code {"materials": [{"material_id",
 * "quantity", "batch_number"?}]}} reports that consumption to the warehouse at once, through its outbound path (a
 * transaction id of its own); the completion's report later leaves out what was reported here. The order must be known
 * and neither completed nor cancelled (the work-order area's {@code work_orders} is read, not written).
 */
public final class MaterialIssues implements ApiRoutes {

  public static final String PATH = "/api/v1/work-orders/:id/material-issues";
  static final IdPattern WORK_ORDER_ID = IdPattern.of("^WO-[0-9]{1,18}$", "WO-4600");
  static final String ORDER = "SELECT status, machine_id, production_line FROM work_orders WHERE work_order_id = $1";

  /** Found by ServiceLoader: the gateway mounts it. */
  public MaterialIssues() {
  }

  @Override
  public void mount(ApiContext api) {
    MraosConfig config = api.config();
    InventorySettings settings = InventorySettings.of(config);
    PlantModel plant = PlantModel.load(config.plantModel());
    ClientRule supervisors = ClientRule.only("report material issued to a work order", config.security().supervisorClients());
    api.router().post(PATH).handler(Authorization.require(supervisors)).handler(WORK_ORDER_ID.checkPathParam("id"))
        .handler(ctx -> {
          String id = ctx.pathParam("id");
          List<ConsumptionQueue.Line> lines = lines(RequestBodies.jsonObject(ctx));
          if (!config.inventory().connected()) {
            throw ApiError.of(503, ErrorCode.SERVICE_UNAVAILABLE, "No warehouse is configured (inventory.base-url)");
          }
          api.pool().withTransaction(tx -> tx.preparedQuery(ORDER).execute(Tuple.of(id)).compose(rows -> {
            if (rows.size() == 0) {
              return Future.failedFuture(ApiError.notFound("Work order " + id + " is not known to MRAOS")
                  .with("mraos_work_order_id", id));
            }
            var order = rows.iterator().next();
            String status = order.getString("status");
            if ("completed".equals(status) || "cancelled".equals(status)) {
              return Future.failedFuture(ApiError.of(409, ErrorCode.INT_003, "Work order " + id + " is " + status
                  + "; material is issued only to an open order").with("mraos_work_order_id", id));
            }
            return ConsumptionQueue.queue(tx, config, settings, id, "issue",
                ConsumptionQueue.costCenter(plant, order.getString("machine_id"), order.getString("production_line")),
                lines, api.clock().instant(), CorrelationIds.of(ctx)).map(queued -> queued.orElseThrow());
          })).onSuccess(call -> {
            api.vertx().eventBus().publish(Addresses.outboundWakeUp(MraosConfig.INVENTORY), null);
            Responses.json(ctx, 202, new JsonObject().put("status", "report_queued").put("mraos_work_order_id", id)
                .put("transaction_id", call.payload().getString("transaction_id")).put("message_id", call.messageId())
                .put("materials_consumed", call.payload().getJsonArray("materials_consumed")));
          }).onFailure(ctx::fail);
        });
  }

  /** The body's materials, each checked: a precise 400 INT-003 naming the field otherwise. */
  static List<ConsumptionQueue.Line> lines(JsonObject body) {
    if (!(body.getValue("materials") instanceof JsonArray materials) || materials.isEmpty() || materials.size() > 500) {
      throw ApiError.badRequest("materials must be a list of 1 to 500 {material_id, quantity, batch_number?}")
          .detail(new JsonObject().put("field", "materials").put("message", "required, 1 to 500 entries"));
    }
    List<ConsumptionQueue.Line> lines = new ArrayList<>();
    for (int i = 0; i < materials.size(); i++) {
      String field = "materials." + i;
      if (!(materials.getValue(i) instanceof JsonObject m)) {
        throw invalid(field, "must be an object");
      }
      if (!(m.getValue("material_id") instanceof String material) || !material.matches("[A-Za-z0-9][A-Za-z0-9._:/#+-]{0,63}")) {
        throw invalid(field + ".material_id", "must be a material id (1-64 letters, digits, . _ : / # + -)");
      }
      if (!(m.getValue("quantity") instanceof Number q) || Json.decimal(q).signum() <= 0) {
        throw invalid(field + ".quantity", "must be a number above 0");
      }
      Object batch = m.getValue("batch_number");
      if (batch != null && (!(batch instanceof String b) || b.isBlank() || b.length() > 64)) {
        throw invalid(field + ".batch_number", "must be 1-64 characters when given");
      }
      lines.add(new ConsumptionQueue.Line(material, Json.decimal(q), (String) batch));
    }
    return lines;
  }

  private static ApiError invalid(String field, String message) {
    return ApiError.badRequest("The material issue does not match the schema: " + field + " " + message)
        .detail(new JsonObject().put("field", field).put("message", message));
  }
}
