package simulators;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * HR's time clock at the plant's entrance: a badge swipe posts {@code clock_in} or {@code clock_out} to MRAOS's
 * attendance webhook (spec §5.2.1, §5.3) with its {@code X-API-Key} and an {@code Idempotency-Key} made as the spec's
 * example makes it ({@code clk_in_EMP-2024-0156_20251118_060215}), so a swipe sent twice counts once.
 */
public final class HrTimeClock {

  public static final String ATTENDANCE = "/api/v1/integrations/hr/attendance";
  private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private final WebClient http;
  private final String node;
  private final String location;
  private volatile String apiKey;

  /** @param node the MRAOS node's base URL, e.g. http://localhost:8080 */
  public HrTimeClock(WebClient http, String node, String apiKey, String location) {
    this.http = Objects.requireNonNull(http, "http");
    this.node = Objects.requireNonNull(node, "node");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.location = location;
  }

  /** The key the clock uses from now on (rotated). */
  public void useKey(String key) {
    this.apiKey = Objects.requireNonNull(key, "key");
  }

  public Future<HttpResponse<Buffer>> clockIn(String employeeId, String shiftId, Instant at) {
    return swipe("clock_in", employeeId, shiftId, at);
  }

  public Future<HttpResponse<Buffer>> clockOut(String employeeId, String shiftId, Instant at) {
    return swipe("clock_out", employeeId, shiftId, at);
  }

  /** The swipe's event as the clock sends it. */
  public JsonObject event(String eventType, String employeeId, String shiftId, Instant at) {
    return new JsonObject().put("event_type", eventType).put("timestamp", at.toString()).put("employee_id", employeeId)
        .put("location", location).put("shift_id", shiftId);
  }

  /** The Idempotency-Key of a swipe: the same swipe always gets the same key. */
  public static String idempotencyKey(String eventType, String employeeId, Instant at) {
    return (eventType.equals("clock_in") ? "clk_in_" : "clk_out_") + employeeId + "_" + KEY_TIME.format(at);
  }

  private Future<HttpResponse<Buffer>> swipe(String eventType, String employeeId, String shiftId, Instant at) {
    return http.postAbs(node + ATTENDANCE).putHeader("X-API-Key", apiKey)
        .putHeader("Idempotency-Key", idempotencyKey(eventType, employeeId, at))
        .sendJsonObject(event(eventType, employeeId, shiftId, at));
  }
}
