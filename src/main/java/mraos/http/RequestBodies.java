package mraos.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.Locale;

/**
 * Reading request bodies with precise 4xx answers instead of 500s. A JSON body is read strictly: its bytes must be
 * UTF-8 (nothing is replaced by U+FFFD) and no object may name a key twice (otherwise the last one would silently win,
 * and {@code "event_type"} appended to a create would cancel the order).
 */
public final class RequestBodies {

  /** Routing-context key set to {@code true} once the request's body was read as a JSON object (the audit need not check). */
  public static final String JSON_KEY = "mraos.request-body-is-json";
  /** A parser of its own: Vert.x's shared one lets the last of two equal keys win. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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
    Object value = parse(PlainText.utf8(body, "The request body"));
    if (!(value instanceof JsonObject object)) {
      throw ApiError.badRequest("The request body must be a JSON object");
    }
    return object;
  }

  /** Any JSON value, as Vert.x's own decoder gives it, but refusing a key named twice in one object (400 naming it). */
  public static Object parse(String text) {
    JsonParser parser;
    try {
      parser = STRICT.createParser(text);
    } catch (IOException e) {
      throw ApiError.badRequest("The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    try {
      return JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException e) {
      if (e.getCause() instanceof StreamReadException read && read.getMessage() != null
          && read.getMessage().startsWith("Duplicate field")) {
        JsonPointer at = parser.getParsingContext().pathAsPointer();
        String pointer = at.toString();
        throw ApiError.badRequest("The request body names the key " + pointer + " more than once")
            .detail(new JsonObject().put("field", pointer.substring(1).replace('/', '.')).put("pointer", pointer)
                .put("message", "is given more than once; each key may appear once per object"));
      }
      throw ApiError.badRequest("The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
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
