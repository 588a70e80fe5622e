package verticles.hr;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.config.MraosConfig;
import mraos.outbound.OutboundCall;
import mraos.outbound.RetrySchedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Every page of one of HR's lists ({@code page}, {@code page_size}, {@code total_count}; spec §5.2.1) through HR's
 * outbound path (its token, breaker and audit), each page retried by error class (spec §7.1). The whole list or a
 * failure: a page that cannot be read, or pages that do not add up to HR's total (the list changed while it was read),
 * fail the pull, so that nothing is applied from half a list.
 */
final class HrPull {

  /** The items of every page, and how many pages they took. */
  record Pulled(List<Object> items, int pages) {
  }

  /** A list never has more pages than this: a system that keeps answering "more" is wrong, not long. */
  static final int MAX_PAGES = 10_000;

  private final Vertx vertx;
  private final MraosConfig config;
  private final RetrySchedule retries;

  HrPull(Vertx vertx, MraosConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.retries = new RetrySchedule(config.outbound());
  }

  /**
   * @param pathAndQuery the list's path with its query, without paging ({@code /api/v1/employees?department=...})
   * @param itemsKey     the key of the items in each page ({@code employees})
   */
  Future<Pulled> all(String integrationType, String pathAndQuery, String itemsKey, int pageSize, String correlationId) {
    return page(integrationType, pathAndQuery, itemsKey, pageSize, correlationId, 1, new ArrayList<>());
  }

  private Future<Pulled> page(String type, String path, String itemsKey, int pageSize, String correlationId, int page,
                              List<Object> items) {
    String paged = path + (path.contains("?") ? "&" : "?") + "page=" + page + "&page_size=" + pageSize;
    return OutboundCall.getRetried(vertx, MraosConfig.HR, type, paged, correlationId,
            config.hr().requestTimeout().multipliedBy(2), retries)
        .compose(body -> {
          Object list = body.getValue(itemsKey);
          if (!(list instanceof JsonArray array)) {
            return Future.failedFuture(new IllegalStateException("HR's answer to " + paged + " has no " + itemsKey + " list"));
          }
          array.forEach(items::add);
          Number total = body.getValue("total_count") instanceof Number n ? n : null;
          if (total == null) {
            return Future.succeededFuture(new Pulled(items, page)); // an unpaged list: this is all of it
          }
          if (items.size() >= total.longValue() || array.isEmpty()) {
            return items.size() == total.longValue() ? Future.succeededFuture(new Pulled(items, page))
                : Future.failedFuture(new IllegalStateException("HR's " + itemsKey + " did not add up: " + items.size()
                + " read in " + page + " page(s), total_count " + total + " (the list changed while it was read); nothing"
                + " was applied"));
          }
          if (page >= MAX_PAGES) {
            return Future.failedFuture(new IllegalStateException("HR's " + itemsKey + " go on past " + MAX_PAGES + " pages"));
          }
          return page(type, path, itemsKey, pageSize, correlationId, page + 1, items);
        });
  }
}
