package mraos.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Query parameters read with a 400 (INT-003) naming the parameter when they are malformed. */
public final class QueryParams {

  private QueryParams() {
  }

  public static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.badRequest("Query parameter " + name + " must be a whole number from " + min + " to " + max)
        .detail(new JsonObject().put("field", name).put("message", "must be between " + min + " and " + max));
  }

  public static Instant time(RoutingContext ctx, String name) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return null;
    }
    try {
      Instant time = OffsetDateTime.parse(text).toInstant();
      if (PayloadSchema.inBounds(time)) {
        return time;
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    throw ApiError.badRequest("Query parameter " + name + " must be a date-time with offset from " + PayloadSchema.EARLIEST
            + " to before " + PayloadSchema.LATEST + ", e.g. 2025-11-18T14:30:00Z")
        .detail(new JsonObject().put("field", name).put("message", "must be an ISO-8601 date-time with offset within "
            + PayloadSchema.EARLIEST + " .. " + PayloadSchema.LATEST));
  }

  /** Free text (a filter value), or null when absent: refused when it holds what {@link PlainText} refuses. */
  public static String text(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    String problem = value == null ? null : PlainText.problem(value);
    if (problem != null) {
      throw ApiError.badRequest("Query parameter " + name + " " + problem)
          .detail(new JsonObject().put("field", name).put("message", problem));
    }
    return value;
  }

  /** One of the allowed values, or null when absent. */
  public static String oneOf(RoutingContext ctx, String name, java.util.Set<String> allowed) {
    String value = ctx.queryParams().get(name);
    if (value != null && !allowed.contains(value)) {
      throw ApiError.badRequest("Unknown " + name + " '" + value + "'")
          .detail(new JsonObject().put("field", name).put("message", "must be one of " + new java.util.TreeSet<>(allowed)));
    }
    return value;
  }
}
