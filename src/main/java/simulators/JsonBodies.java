package simulators;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

  /** A field every seeded document must have: non-blank text. */
  static void requireText(JsonObject document, String field, String what) {
    Objects.requireNonNull(document, what);
    if (!(document.getValue(field) instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(what + " needs a " + field + ": " + document.encode());
    }
  }

  /** The documents of a seeding body: a bare array or the array under this key. */
  static List<JsonObject> documents(Object body, String key) {
    JsonArray list = body instanceof JsonArray array ? array
        : body instanceof JsonObject json && json.getValue(key) instanceof JsonArray array ? array : null;
    if (list == null) {
      throw new IllegalArgumentException("the body must be {\"" + key + "\": [...]} or [...]");
    }
    List<JsonObject> documents = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof JsonObject document)) {
        throw new IllegalArgumentException("each of " + key + " must be an object, not " + item);
      }
      documents.add(document);
    }
    return documents;
  }
}
