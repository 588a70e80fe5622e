package mraos.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * The documented shape of an id (e.g. {@code WO-[0-9]{1,18}}). An id in a request's path is checked against its pattern
 * before it goes anywhere near SQL: anything else (a NUL byte, an escape, a space) is a 400 INT-003 naming the field.
 * Areas declare their ids' patterns; routes check them with {@link #checkPathParam} in front of their handler.
 */
public final class IdPattern {

  private final Pattern pattern;
  private final String example;

  private IdPattern(String regex, String example) {
    this.pattern = Pattern.compile(regex);
    this.example = example;
    if (!matches(example)) {
      throw new IllegalArgumentException("The example " + example + " does not match " + regex);
    }
  }

  /** An id shaped as {@code regex} (anchored), with an example the error message shows. */
  public static IdPattern of(String regex, String example) {
    return new IdPattern(regex, example);
  }

  public String regex() {
    return pattern.pattern();
  }

  public boolean matches(String value) {
    return value != null && pattern.matcher(value).matches();
  }

  /** The path parameter {@code name}, or a 400 INT-003 naming it when it does not have this shape. */
  public String pathParam(RoutingContext ctx, String name) {
    String value = ctx.pathParam(name);
    if (!matches(value)) {
      throw ApiError.badRequest("Path parameter " + name + " must be an id like " + example + " (pattern " + regex() + ")")
          .detail(new JsonObject().put("field", name).put("message", "must match " + regex()));
    }
    return value;
  }

  /** A route handler that refuses the request unless path parameter {@code name} has this shape. */
  public Handler<RoutingContext> checkPathParam(String name) {
    return ctx -> {
      pathParam(ctx, name);
      ctx.next();
    };
  }
}
