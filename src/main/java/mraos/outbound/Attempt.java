package mraos.outbound;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeoutException;

/** What one call to an external system gave: an answer (status, body) or an error, and its class. */
record Attempt(int status, Object body, ErrorClass errorClass, String error, String stackTrace, Duration retryAfter,
               boolean shortCircuited) {

  static Attempt answered(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    ErrorClass errorClass = ErrorClass.ofStatus(status);
    String error = errorClass == null ? null : status + " " + response.statusMessage() + excerpt(response.bodyAsString());
    return new Attempt(status, body(response.body()), errorClass, error, null, retryAfter(response.getHeader("Retry-After")),
        false);
  }

  static Attempt failed(Throwable failure) {
    ErrorClass errorClass = isTimeout(failure) ? ErrorClass.TIMEOUT : ErrorClass.NETWORK_ERROR;
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return new Attempt(0, null, errorClass, message, stackTrace(failure), null, false);
  }

  /** Not sent: the system's circuit breaker is open. */
  static Attempt notSent() {
    return new Attempt(0, null, null, "INT-006: circuit breaker open", null, null, true);
  }

  boolean delivered() {
    return !shortCircuited && errorClass == null;
  }

  /** The error code a dead letter carries (spec §7.2 style). */
  String errorCode() {
    return switch (errorClass) {
      case UNAUTHORIZED -> "AUTHENTICATION_ERROR";
      case RATE_LIMITED -> "RATE_LIMITED";
      case VALIDATION -> "VALIDATION_ERROR";
      case NOT_FOUND -> "NOT_FOUND";
      case SERVER_ERROR -> "SERVER_ERROR";
      case TIMEOUT -> "TIMEOUT";
      case NETWORK_ERROR -> "NETWORK_ERROR";
    };
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || (t.getMessage() != null && t.getMessage().contains("timeout"))) {
        return !(t instanceof ConnectException) && !(t instanceof UnknownHostException);
      }
    }
    return false;
  }

  private static Object body(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      Object json = body.toJsonValue();
      return json instanceof JsonObject ? json : body.toString();
    } catch (RuntimeException e) {
      return body.toString();
    }
  }

  private static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String text = body.strip().replaceAll("\\s+", " ");
    return ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
  }

  /** Retry-After in seconds or as an HTTP date. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (RuntimeException unreadable) {
        return null;
      }
    }
  }

  private static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    String text = out.toString();
    return text.length() > 4000 ? text.substring(0, 4000) : text;
  }
}
