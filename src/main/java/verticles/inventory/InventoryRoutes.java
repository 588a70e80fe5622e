package verticles.inventory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.http.ApiContext;
import mraos.http.ApiError;
import mraos.http.ApiRoutes;
import mraos.http.IdPattern;
import mraos.http.Json;
import mraos.http.Responses;
import mraos.security.Authorization;
import mraos.security.ClientRule;

import java.util.List;

/**
 * The warehouse's stock as MRAOS holds it (pulled, and replicated from the CDC stream): read locally, no call to the
 * warehouse.
 * <pre>
 * GET /api/v1/inventory/stock                      every material's stock (on hand, allocated, available, safety stock)
 * GET /api/v1/inventory/stock/{material_id}        one material's stock with its batches, earliest expiry first
 * </pre>
 */
public final class InventoryRoutes implements ApiRoutes {

  public static final String STOCK = "/api/v1/inventory/stock";
  static final IdPattern MATERIAL_ID = IdPattern.of("^[A-Za-z0-9._-]{1,64}$", "MAT-A-1234");

  /** Found by ServiceLoader: the gateway mounts it. */
  public InventoryRoutes() {
  }

  @Override
  public void mount(ApiContext api) {
    ClientRule readers = ClientRule.only("read the warehouse's stock", api.config().security().knownClients());
    api.router().get(STOCK).handler(Authorization.require(readers)).handler(ctx -> StockStore.all(api.pool())
        .onSuccess(all -> {
          JsonArray materials = new JsonArray();
          all.forEach(s -> materials.add(s.toJson()));
          Responses.json(ctx, 200, new JsonObject().put("materials", materials).put("count", materials.size()));
        })
        .onFailure(ctx::fail));
    api.router().get(STOCK + "/:material_id").handler(Authorization.require(readers))
        .handler(MATERIAL_ID.checkPathParam("material_id")).handler(ctx -> {
          String id = ctx.pathParam("material_id");
          StockStore.read(api.pool(), List.of(id)).compose(found -> {
            Stock stock = found.get(id);
            if (stock == null) {
              throw ApiError.notFound("The warehouse has reported no stock of material " + id).with("material_id", id);
            }
            return StockStore.batches(api.pool(), List.of(id)).map(batches -> {
              JsonArray list = new JsonArray();
              batches.getOrDefault(id, List.of()).forEach(b -> list.add(new JsonObject().put("batch_number", b.batchNumber())
                  .put("quantity", Json.number(b.quantity()))
                  .put("expiration_date", b.expirationDate() == null ? null : b.expirationDate().toString())));
              return stock.toJson().put("batch_details", list);
            });
          }).onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail);
        });
  }
}
