package simulators;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Locale;

/**
 * One request as a simulated system received it, before any fault or authentication check.
 *
 * @param query   the raw query string, or null
 * @param headers a case-insensitive copy of the request headers
 * @param body    a {@link JsonObject} or {@link JsonArray} when the body is JSON, its text otherwise, null when empty
 */
public record ReceivedRequest(String method, String path, String query, MultiMap headers, Object body, Instant receivedAt) {

  static ReceivedRequest of(RoutingContext ctx, Instant at) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers());
    return new ReceivedRequest(ctx.request().method().name(), ctx.request().path(), ctx.request().query(), headers,
        body(ctx.body().buffer()), at);
  }

  private static Object body(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      return null;
    }
    String text = buffer.toString();
    String start = text.stripLeading();
    if (start.startsWith("{") || start.startsWith("[")) {
      try {
        Object json = Json.decodeValue(buffer);
        if (json instanceof JsonObject || json instanceof JsonArray) {
          return json;
        }
      } catch (DecodeException notJson) {
        // a body that only looks like JSON is kept as the text it is
      }
    }
    return text;
  }

  public String header(String name) {
    return headers.get(name);
  }

  /** The body when it is a JSON object, else null. */
  public JsonObject json() {
    return body instanceof JsonObject json ? json : null;
  }

  /** The body as text (JSON re-encoded), or null. */
  public String text() {
    return body == null ? null : body instanceof String text ? text : Json.encode(body);
  }

  public JsonObject toJson() {
    JsonObject headerJson = new JsonObject();
    headers.names().forEach(name -> headerJson.put(name.toLowerCase(Locale.ROOT), String.join(", ", headers.getAll(name))));
    return new JsonObject()
        .put("method", method)
        .put("path", path)
        .put("query", query)
        .put("headers", headerJson)
        .put("body", body)
        .put("received_at", receivedAt.toString());
  }
}
