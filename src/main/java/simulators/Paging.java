package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The {@code page} / {@code page_size} query of a simulated system's list endpoints. Pages count from 1; a page past
 * the end is empty. The answer is {@code {"<items>": [...], "page": N, "page_size": M, "total_count": T}}.
 */
public record Paging(int page, int pageSize) {

  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  public Paging {
    if (page < 1) {
      throw new IllegalArgumentException("page counts from 1, not " + page);
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("page_size must be 1.." + MAX_PAGE_SIZE + ", not " + pageSize);
    }
  }

  /** The request's paging; a bad value is an {@link IllegalArgumentException} (the simulator answers 400). */
  public static Paging of(RoutingContext ctx) {
    return new Paging(number(ctx, "page", 1), number(ctx, "page_size", DEFAULT_PAGE_SIZE));
  }

  private static int number(RoutingContext ctx, String name, int absent) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isBlank()) {
      return absent;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not " + value);
    }
  }

  public JsonObject answer(String itemsKey, List<JsonObject> all) {
    JsonArray items = new JsonArray();
    long from = (long) (page - 1) * pageSize;
    for (long i = from; i < Math.min(all.size(), from + pageSize); i++) {
      items.add(all.get((int) i).copy());
    }
    return new JsonObject()
        .put(itemsKey, items)
        .put("page", page)
        .put("page_size", pageSize)
        .put("total_count", all.size());
  }
}
