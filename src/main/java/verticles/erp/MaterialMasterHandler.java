package verticles.erp;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ApiError;
import mraos.http.CorrelationIds;
import mraos.http.RequestBodies;
import mraos.http.Responses;
import mraos.security.Caller;

/**
 * {@code POST /api/v1/integrations/erp/materials}: ERP's material master, as JSON or CSV. Good rows are upserted (every
 * changed field audited); bad rows are refused with their index (and CSV line) while the good ones still land.
 */
final class MaterialMasterHandler implements Handler<RoutingContext> {

  static final String INTEGRATION_TYPE = "erp_material_master_inbound";
  static final String SOURCE = "erp_push";

  private final MaterialMaster master;

  MaterialMasterHandler(MaterialMaster master) {
    this.master = master;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String mediaType = RequestBodies.mediaType(ctx);
    MaterialPayload.Parsed parsed;
    if (RequestBodies.isJson(mediaType)) {
      parsed = MaterialPayload.fromJson(RequestBodies.parseObject(ctx.body().buffer()));
    } else if (mediaType.equals("text/csv")) {
      parsed = MaterialPayload.fromCsv(ctx.body().buffer());
    } else {
      throw RequestBodies.unsupported(ctx, "application/json or text/csv");
    }
    if (parsed.accepted().isEmpty()) {
      throw ApiError.badRequest("None of the " + parsed.received() + " material(s) could be taken").details(parsed.rejected());
    }
    Caller caller = ctx.get(Caller.CONTEXT_KEY);
    master.upsert(parsed.accepted(), new MaterialMaster.Change(SOURCE, caller.clientId(), CorrelationIds.of(ctx)))
        .onSuccess(result -> Responses.json(ctx, 200, new JsonObject()
            .put("status", parsed.rejected().isEmpty() ? "success" : "partial_success")
            .put("received", parsed.received())
            .put("created", result.created())
            .put("updated", result.updated())
            .put("unchanged", result.unchanged())
            .put("rejected", parsed.rejected().size())
            .put("rejected_rows", parsed.rejected())))
        .onFailure(ctx::fail);
  }
}
