package verticles.workorders;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import mraos.events.Addresses;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.CorrelationIds;
import mraos.http.IdPattern;
import mraos.http.Json;
import mraos.http.PayloadSchema;
import mraos.http.QueryParams;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.plant.PlantModel;
import mraos.security.Authorization;
import mraos.security.Caller;
import mraos.security.ClientRule;
import mraos.workorders.CompletionRequest;
import mraos.workorders.StartEffect;
import io.vertx.core.Future;

import java.util.List;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reading work orders back: {@code GET /api/v1/work-orders/{id}} and the filtered, paged list. Any known client may read. */
public final class WorkOrderRoutes implements ApiRoutes {

  static final Set<String> STATUSES = Set.of("received", "scheduled", "in_progress", "on_hold", "completed", "cancelled");
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;
  /** MRAOS's work-order ids ({@code 'WO-' || nextval(...)}, see IntakeBatches). */
  static final IdPattern WORK_ORDER_ID = IdPattern.of("^WO-[0-9]{1,18}$", "WO-4600");

  /** Found by ServiceLoader: the gateway mounts it. */
  public WorkOrderRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    ClientRule readers = ClientRule.only("read MRAOS's work orders", api.config().security().knownClients());
    Pool pool = api.pool();
    List<StartEffect> describers = StartEffects.load(api.vertx(), api.config());
    api.router().get("/api/v1/work-orders/:id").handler(Authorization.require(readers))
        .handler(WORK_ORDER_ID.checkPathParam("id")).handler(ctx -> one(ctx, pool, describers));
    api.router().get("/api/v1/work-orders").handler(Authorization.require(readers)).handler(ctx -> list(ctx, pool));

    ClientRule supervisors = ClientRule.only("complete work orders", api.config().security().supervisorClients());
    WorkOrderCompletion completion = new WorkOrderCompletion(api.vertx(), pool, api.clock(), api.config());
    api.router().post("/api/v1/work-orders/:id/complete").handler(Authorization.require(supervisors))
        .handler(WORK_ORDER_ID.checkPathParam("id")).handler(ctx -> complete(ctx, completion));

    PlantModel plant = PlantModel.load(api.config().plantModel());
    List<StartEffect> effects = StartEffects.load(api.vertx(), api.config());
    api.router().post("/api/v1/work-orders/:id/start").handler(Authorization.require(supervisors))
        .handler(WORK_ORDER_ID.checkPathParam("id")).handler(ctx -> {
      JsonObject body = RequestBodies.jsonObject(ctx);
      JsonArray violations = START.violations(body);
      if (!violations.isEmpty()) {
        throw ApiError.badRequest("The start request does not match the schema").details(violations);
      }
      String id = ctx.pathParam("id");
      WorkOrderStart.request(pool, api.clock(), api.config(), plant, effects, id, body.getString("machine_id"),
              body.getString("operator_id"), instant(body.getString("start_time")), CorrelationIds.of(ctx))
          .compose(calls -> {
            calls.stream().map(c -> c.externalSystem()).distinct()
                .forEach(system -> api.vertx().eventBus().publish(Addresses.outboundWakeUp(system), null));
            JsonObject answer = new JsonObject()
                .put("status", "start_requested")
                .put("mraos_work_order_id", id)
                .put("message", "Start sent to the MES; the order is in progress once the MES confirms it")
                .put("message_id", calls.get(0).messageId());
            return StartEffects.answers(effects, id, answer);
          })
          .onSuccess(answer -> Responses.json(ctx, 202, answer))
          .onFailure(ctx::fail);
    });
  }

  static final PayloadSchema START = PayloadSchema.fromResource("verticles/workorders/start.schema.json");

  static final PayloadSchema COMPLETION = PayloadSchema.fromResource("verticles/workorders/completion.schema.json");

  private static void complete(RoutingContext ctx, WorkOrderCompletion completion) {
    JsonObject body = RequestBodies.jsonObject(ctx);
    JsonArray violations = COMPLETION.violations(body);
    if (!violations.isEmpty()) {
      throw ApiError.badRequest("The completion does not match the schema (" + violations.size() + " problem(s))")
          .details(violations);
    }
    Map<String, BigDecimal> materials = null;
    JsonArray consumed = body.getJsonArray("materials_consumed");
    if (consumed != null) {
      materials = new LinkedHashMap<>();
      for (int i = 0; i < consumed.size(); i++) {
        JsonObject line = consumed.getJsonObject(i);
        materials.merge(line.getString("material_id"), Json.decimal(line.getValue("quantity_consumed")), BigDecimal::add);
      }
    }
    JsonArray defectTypes = body.getJsonArray("defect_types");
    CompletionRequest request = new CompletionRequest(
        Json.decimal(body.getValue("quantity_produced")), Json.decimal(body.getValue("quantity_scrapped")),
        instant(body.getString("completed_at")), instant(body.getString("actual_start_time")),
        body.getBoolean("inspection_passed"),
        defectTypes == null ? null : defectTypes.stream().map(String::valueOf).toList(), materials);
    Caller caller = ctx.get(Caller.CONTEXT_KEY);
    completion.complete(ctx.pathParam("id"), request, caller.clientId(), CorrelationIds.of(ctx)).onSuccess(done -> {
      JsonArray calls = new JsonArray();
      done.calls().forEach(call -> calls.add(new JsonObject().put("external_system", call.externalSystem())
          .put("integration_type", call.integrationType()).put("message_id", call.messageId())));
      Responses.json(ctx, 200, new JsonObject()
          .put("status", "success")
          .put("mraos_work_order_id", done.workOrder().workOrderId())
          .put("message", calls.isEmpty() ? "Work order completed"
              : "Work order completed; " + calls.size() + " call(s) queued for the systems that are told of it")
          .put("calls_queued", calls)
          .put("work_order", done.workOrder().toJson()));
    }).onFailure(ctx::fail);
  }

  private static Instant instant(String dateTime) {
    return dateTime == null ? null : OffsetDateTime.parse(dateTime).toInstant();
  }

  private static void one(RoutingContext ctx, Pool pool, List<StartEffect> effects) {
    String id = ctx.pathParam("id");
    WorkOrderStore.byId(pool, id)
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.<JsonObject>failedFuture(ApiError.notFound("Work order " + id + " is not known to MRAOS")
                .with("mraos_work_order_id", id));
          }
          return StartEffects.described(effects, pool, id, found.get().toJson());
        })
        .onSuccess(json -> Responses.json(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  private static void list(RoutingContext ctx, Pool pool) {
    String status = QueryParams.oneOf(ctx, "status", STATUSES);
    int page = QueryParams.integer(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int pageSize = QueryParams.integer(ctx, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    WorkOrderStore.page(pool, status, QueryParams.text(ctx, "line"), QueryParams.text(ctx, "erp_work_order_id"), pageSize,
            (long) (page - 1) * pageSize)
        .onSuccess(result -> {
          JsonArray items = new JsonArray();
          result.items().forEach(wo -> items.add(wo.toJson()));
          Responses.json(ctx, 200, new JsonObject()
              .put("items", items)
              .put("page", page)
              .put("page_size", pageSize)
              .put("total", result.total()));
        })
        .onFailure(ctx::fail);
  }
}
