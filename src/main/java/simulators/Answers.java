package simulators;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ErrorCode;
import mraos.http.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a simulated system answers when its own routes do not: a scripted or refusing {@link Fault.Respond}, or the
 * error of a request that failed, always with the error body the plant's systems use.
 */
final class Answers {

  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  private Answers() {
  }

  /** The error body simulated systems answer with: {@code {"status":"error","error_code":...,"message":...}}. */
  static JsonObject error(ErrorCode code, String message) {
    return new JsonObject().put("status", "error").put("error_code", code.code()).put("message", message);
  }

  /** Sends the answer; an error status without a body gets the error body, a body without a type a guessed one. */
  static void send(HttpServerResponse response, Fault.Respond answer, String system) {
    response.setStatusCode(answer.status());
    answer.headers().forEach(response::putHeader);
    String body = answer.body();
    if (body == null && answer.status() >= 400) {
      body = error(errorCode(answer.status()), "Simulated " + answer.status() + " from " + system).encode();
    }
    if (body == null || answer.status() == 204 || answer.status() == 304) {
      response.end();
      return;
    }
    if (!response.headers().contains("Content-Type")) {
      String start = body.stripLeading();
      response.putHeader("Content-Type", start.startsWith("{") || start.startsWith("[") ? "application/json" : "text/plain");
    }
    response.end(body);
  }

  /** Bad input (IllegalArgumentException, unreadable JSON) is a 400; anything else a 500, both as JSON. */
  static void failed(RoutingContext ctx, String system) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = failure instanceof IllegalArgumentException || failure instanceof DecodeException ? 400
        : failure == null && ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 500) {
      LOG.warn("{} simulator failed on {} {}", system, ctx.request().method(), ctx.request().path(), failure);
    }
    String message = failure != null && failure.getMessage() != null ? failure.getMessage()
        : status == 404 ? "Nothing at " + ctx.request().method() + " " + ctx.request().path() : "HTTP " + status;
    Responses.json(ctx, status, error(errorCode(status), message));
  }

  private static ErrorCode errorCode(int status) {
    return switch (status) {
      case 400, 413, 422 -> ErrorCode.INT_003;
      case 401, 403 -> ErrorCode.INT_001;
      case 404 -> ErrorCode.INT_004;
      case 429 -> ErrorCode.INT_002;
      case 504 -> ErrorCode.INT_005;
      case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
      default -> ErrorCode.SYSTEM_ERROR;
    };
  }
}
