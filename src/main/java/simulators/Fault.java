package simulators;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something going wrong with one request to a simulated system, scripted by a test: an error answer, a slow answer
 * or a connection dropped without an answer. Written as JSON on the control API:
 * {@code {"status": 429, "headers": {"Retry-After": "2"}, "body": {...}}}, {@code {"delay_ms": 5000}}, {@code {"close": true}}.
 */
public sealed interface Fault permits Fault.Respond, Fault.Delay, Fault.Close {

  /** Answer with this status instead of the system's normal answer. */
  static Respond status(int status) {
    return new Respond(status, Map.of(), null);
  }

  /** A 429 "Too Many Requests" asking the caller to wait this many seconds. */
  static Respond tooManyRequests(int retryAfterSeconds) {
    return status(429).header("Retry-After", Integer.toString(retryAfterSeconds));
  }

  /** Wait, then answer normally: long enough and the caller times out first. */
  static Delay delay(Duration delay) {
    return new Delay(delay);
  }

  /** Close the connection without answering: the caller sees a network error. */
  static Close close() {
    return new Close();
  }

  JsonObject toJson();

  /** Reads the control API's JSON form; anything else is an {@link IllegalArgumentException}. */
  static Fault fromJson(JsonObject json) {
    Objects.requireNonNull(json, "fault");
    if (json.containsKey("status")) {
      if (!(json.getValue("status") instanceof Number status) || status.intValue() < 100 || status.intValue() > 599) {
        throw new IllegalArgumentException("fault status must be an HTTP status (100-599): " + json.encode());
      }
      Map<String, String> headers = new LinkedHashMap<>();
      Object given = json.getValue("headers");
      if (given != null && !(given instanceof JsonObject)) {
        throw new IllegalArgumentException("fault headers must be an object of names to values: " + json.encode());
      }
      if (given != null) {
        ((JsonObject) given).forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
      }
      Object body = json.getValue("body");
      return new Respond(status.intValue(), headers, body == null ? null
          : body instanceof String text ? text : io.vertx.core.json.Json.encode(body));
    }
    if (json.containsKey("delay_ms")) {
      if (!(json.getValue("delay_ms") instanceof Number ms) || ms.longValue() < 0) {
        throw new IllegalArgumentException("delay_ms must be a number of milliseconds >= 0: " + json.encode());
      }
      return delay(Duration.ofMillis(ms.longValue()));
    }
    if (Boolean.TRUE.equals(json.getValue("close"))) {
      return close();
    }
    throw new IllegalArgumentException("a fault is {\"status\": ...}, {\"delay_ms\": ...} or {\"close\": true}, not " + json.encode());
  }

  /** An answer with this status, these headers and this body (a small JSON error body when none is given). */
  record Respond(int status, Map<String, String> headers, String body) implements Fault {

    public Respond {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public Respond header(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
      return new Respond(status, more, body);
    }

    public Respond body(String text) {
      return new Respond(status, headers, text);
    }

    public Respond body(JsonObject json) {
      return body(json.encode());
    }

    @Override
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("status", status);
      if (!headers.isEmpty()) {
        json.put("headers", new JsonObject(new LinkedHashMap<>(headers)));
      }
      return body == null ? json : json.put("body", body);
    }
  }

  /** Hold the request this long before the system handles it (it is still handled, as a slow system would). */
  record Delay(Duration delay) implements Fault {

    public Delay {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("a delay cannot be negative: " + delay);
      }
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("delay_ms", delay.toMillis());
    }
  }

  /** Drop the connection without a byte of answer. */
  record Close() implements Fault {

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("close", true);
    }
  }
}
