package verticles.gateway;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import mraos.http.ApiError;
import mraos.http.CorrelationIds;
import mraos.http.ErrorCode;
import mraos.http.Responses;
import mraos.http.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Turns every failure into the JSON error body with the spec's codes. Client errors are logged in one line without a
 * stack trace; anything unexpected is a 500 (callers retry after 5 minutes, spec §3.3) logged with its stack trace.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  /** Spec §3.3: a caller retries a 500 after 5 minutes. The contract with the callers, not a node's setting. */
  static final String SYSTEM_ERROR_RETRY_AFTER_S = "300";

  private final int maxBodyBytes;
  private final String unavailableRetryAfter;

  FailureHandler(int maxBodyBytes, Duration unavailableRetryAfter) {
    this.maxBodyBytes = maxBodyBytes;
    this.unavailableRetryAfter = Responses.retryAfter(unavailableRetryAfter);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ApiError error = toApiError(ctx);
    String correlationId = CorrelationIds.of(ctx);
    if (error.status() == 503) {
      LOG.warn("{} {} answered 503: {} (correlation id {})", ctx.request().method(), ctx.normalizedPath(), error.getMessage(),
          correlationId);
    } else if (error.status() >= 500) {
      LOG.error("{} {} failed (correlation id {})", ctx.request().method(), ctx.normalizedPath(), correlationId, ctx.failure());
    } else {
      LOG.info("{} {} refused: {} {} {} (correlation id {})", ctx.request().method(), ctx.normalizedPath(), error.status(),
          error.code().code(), error.getMessage(), correlationId);
    }
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    error.headers().forEach((name, value) -> ctx.response().putHeader(name, value));
    Responses.json(ctx, error.status(), error.body().put("correlation_id", correlationId));
  }

  private ApiError toApiError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError error) {
      return error;
    }
    if (failure instanceof DecodeException) {
      return ApiError.badRequest("The request body is not valid JSON");
    }
    if (Unavailable.is(failure)) {
      return ApiError.of(503, ErrorCode.SERVICE_UNAVAILABLE, "MRAOS cannot reach a system it needs (" + failure.getMessage()
          + "); retry shortly").header("Retry-After", unavailableRetryAfter);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    return switch (status) {
      case 400 -> ApiError.badRequest(failure != null && failure.getMessage() != null ? failure.getMessage() : "Bad request");
      case 404 -> ApiError.notFound("No such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath());
      case 405 -> ApiError.of(405, ErrorCode.INT_003, "Method " + ctx.request().method() + " is not allowed on " + ctx.normalizedPath());
      case 413 -> ApiError.of(413, ErrorCode.INT_003, "The request body is larger than " + maxBodyBytes + " bytes");
      case 415 -> ApiError.of(415, ErrorCode.INT_003, "Unsupported content type");
      default -> {
        if (status >= 400 && status < 500) {
          yield ApiError.of(status, ErrorCode.INT_003, HttpResponseStatus.valueOf(status).reasonPhrase());
        }
        yield ApiError.of(500, ErrorCode.SYSTEM_ERROR, "MRAOS could not process the request; retry in 5 minutes")
            .header("Retry-After", SYSTEM_ERROR_RETRY_AFTER_S);
      }
    };
  }
}
