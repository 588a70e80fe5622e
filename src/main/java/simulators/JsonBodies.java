package simulators;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The JSON bodies simulated systems accept; anything else is an {@link IllegalArgumentException}, which their routes
 * answer with 400.
 */
final class JsonBodies {

  private JsonBodies() {
  }

  /** The request body as a JSON object. */
  static JsonObject object(RoutingContext ctx) {
    Object body = objectOrArray(ctx);
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException("the body must be a JSON object");
  }

  /** The request body as a JSON object or array. */
  static Object objectOrArray(RoutingContext ctx) {
    if (ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new IllegalArgumentException("a JSON body is required");
    }
    try {
      Object body = Json.decodeValue(ctx.body().buffer());
      if (body instanceof JsonObject || body instanceof JsonArray) {
        return body;
      }
    } catch (DecodeException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getMessage());
    }
    throw new IllegalArgumentException("the body must be a JSON object or array");
  }
}
