package mraos.http;

import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.regex.Pattern;

/** {@code X-Correlation-ID}: honoured when the caller sends a sensible one, generated otherwise, always echoed back. */
public final class CorrelationIds {

  public static final String HEADER = "X-Correlation-ID";
  private static final String KEY = "mraos.correlation-id";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,100}");

  private CorrelationIds() {
  }

  public static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && ACCEPTED.matcher(given).matches() ? given : generate();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : generate();
  }

  public static String generate() {
    return "corr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }
}
