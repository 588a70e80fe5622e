package mraos.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error that carries its HTTP answer: status, spec error code, message, details and headers. Handlers fail the
 * routing context with one; the gateway's failure handler turns it into the JSON body
 * {@code {"status":"error","error_code":...,"message":...,"details":[...]}}.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final ErrorCode code;
  private final JsonArray details;
  private final JsonObject extra;
  private final Map<String, String> headers;

  private ApiError(int status, ErrorCode code, String message, JsonArray details, JsonObject extra, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.extra = extra;
    this.headers = headers;
  }

  public static ApiError of(int status, ErrorCode code, String message) {
    return new ApiError(status, code, message, new JsonArray(), new JsonObject(), new LinkedHashMap<>());
  }

  public static ApiError badRequest(String message) {
    return of(400, ErrorCode.INT_003, message);
  }

  public static ApiError notFound(String message) {
    return of(404, ErrorCode.INT_004, message);
  }

  public ApiError detail(JsonObject detail) {
    details.add(detail);
    return this;
  }

  public ApiError details(JsonArray more) {
    more.forEach(details::add);
    return this;
  }

  /** A top-level field of the body beside the standard ones (e.g. the existing work order's id on a 409). */
  public ApiError with(String field, Object value) {
    extra.put(field, value);
    return this;
  }

  public ApiError header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public JsonArray details() {
    return details;
  }

  public JsonObject body() {
    JsonObject body = new JsonObject()
        .put("status", "error")
        .put("error_code", code.code())
        .put("message", getMessage());
    extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    return body.put("details", details);
  }
}
