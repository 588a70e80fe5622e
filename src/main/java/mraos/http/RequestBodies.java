package mraos.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/** Reading request bodies with precise 4xx answers instead of 500s. */
public final class RequestBodies {

  /** Routing-context key set to {@code true} once the request's body was read as a JSON object (the audit need not check). */
  public static final String JSON_KEY = "mraos.request-body-is-json";

  private RequestBodies() {
  }

  /** The media type of the request without parameters, lower case ("application/json"), or "" when absent. */
  public static String mediaType(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  public static boolean isJson(String mediaType) {
    return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
  }

  /** The body as a JSON object: 415 for another content type, 400 for an empty body, broken JSON or a non-object. */
  public static JsonObject jsonObject(RoutingContext ctx) {
    if (!isJson(mediaType(ctx))) {
      throw unsupported(ctx, "application/json");
    }
    JsonObject body = parseObject(ctx.body().buffer());
    ctx.put(JSON_KEY, Boolean.TRUE);
    return body;
  }

  public static JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("The request body is empty; a JSON object is expected");
    }
    Object value;
    try {
      value = body.toJsonValue();
    } catch (DecodeException e) {
      throw ApiError.badRequest("The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiError.badRequest("The request body must be a JSON object");
    }
    return object;
  }

  public static ApiError unsupported(RoutingContext ctx, String expected) {
    String given = ctx.request().getHeader("Content-Type");
    return ApiError.of(415, ErrorCode.INT_003, "Content-Type must be " + expected + " (was "
        + (given == null ? "missing" : "'" + given + "'") + ")");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
