package mraos.load;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The HTTP shape both simulations share: one POST of a unique {@code work_order.created} event (two BOM lines) with a
 * bearer token per arriving user, open model (users arrive at a set rate whatever the latency), keep-alive connections
 * shared between users the way an ERP connector's HTTP client pools them.
 */
final class IntakeLoad {

  static final String WORK_ORDERS = "/api/v1/integrations/erp/work-orders";
  /** The measured request's name in the report (warm-up requests are named {@link #WARM_UP}, and left out). */
  static final String MEASURED = "POST work_order.created";
  static final String WARM_UP = "warm-up";
  /** The two materials every order's bill of materials names; created before the run (MRAOS refuses unknown ones). */
  static final String MATERIAL_A = "LOAD-MAT-A";
  static final String MATERIAL_B = "LOAD-MAT-B";

  private IntakeLoad() {
  }

  /** Unique per run, so repeated runs against one database never collide on erp_work_order_id. */
  static String runId() {
    return "LT" + Long.toString(System.currentTimeMillis(), 36).toUpperCase();
  }

  /** An endless feeder of unique ERP ids: run id + counter. */
  static Iterator<Map<String, Object>> uniqueIds(String runId) {
    AtomicLong counter = new AtomicLong();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        long n = counter.incrementAndGet();
        return Map.of("erpId", runId + "-" + n, "number", String.valueOf(n));
      }
    };
  }

  /** The spec's §3.2.1 example event (the same fields the webhook test sends), ~750 bytes. */
  static String workOrderCreated(String erpId, String number) {
    return "{\"event_type\":\"work_order.created\","
        + "\"timestamp\":\"" + Instant.now() + "\","
        + "\"work_order\":{"
        + "\"erp_work_order_id\":\"" + erpId + "\","
        + "\"work_order_number\":\"" + number + "\","
        + "\"product_id\":\"PROD-WD-100\","
        + "\"product_name\":\"Washer Door Assembly\","
        + "\"product_variant\":\"Standard - White\","
        + "\"quantity_ordered\":200,"
        + "\"unit_of_measure\":\"EA\","
        + "\"priority\":\"high\","
        + "\"due_date\":\"2025-11-18T14:30:00Z\","
        + "\"customer_order_id\":\"CO-12345\","
        + "\"production_line_preference\":\"Line 2\","
        + "\"bill_of_materials\":["
        + "{\"material_id\":\"" + MATERIAL_A + "\",\"part_number\":\"A-1234\",\"part_name\":\"Door Panel\","
        + "\"quantity_required\":400,\"unit_of_measure\":\"EA\"},"
        + "{\"material_id\":\"" + MATERIAL_B + "\",\"part_number\":\"B-5678\",\"part_name\":\"Hinge Assembly\","
        + "\"quantity_required\":200,\"unit_of_measure\":\"EA\"}],"
        + "\"special_instructions\":\"Quality inspection required before packaging\"}}";
  }

  static HttpProtocolBuilder protocol(String base) {
    return http.baseUrl(base)
        .disableWarmUp() // its default warm-up calls an outside site
        .shareConnections()
        .disableCaching()
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        .userAgentHeader("mraos-load-tests/gatling");
  }

  /**
   * The run: an optional warm-up at a low rate (its own scenario and request name, so the report keeps it apart), then
   * the measured profile. One POST per arriving user; the token comes from {@code token} at request time.
   */
  static PopulationBuilder population(String name, LoadSettings s, Supplier<String> token) {
    String runId = runId();
    System.out.println(name + ": " + s.describe() + ", run id " + runId);
    PopulationBuilder measured = scenarioFor(name, MEASURED, runId, token).injectOpen(injection(s));
    if (s.warmup <= 0) {
      return measured;
    }
    // the warm-up ends with a ramp to the measured profile's first rate: stepping straight from a low rate to a high
    // one makes Gatling open hundreds of connections at once (the shared pool grows on demand), a connect storm that
    // shows in the first seconds' latencies of the measured part and is not the server's doing
    return scenarioFor(name + " (warm-up)", WARM_UP, runId + "W", token)
        .injectOpen(constantUsersPerSec(s.warmupRate).during(Duration.ofSeconds(s.warmup)),
            rampUsersPerSec(s.warmupRate).to(s.firstRate()).during(Duration.ofSeconds(s.warmupRamp)))
        .andThen(measured);
  }

  static ScenarioBuilder scenarioFor(String name, String requestName, String runId, Supplier<String> token) {
    return scenario(name)
        .feed(uniqueIds(runId))
        .exec(http(requestName)
            .post(WORK_ORDERS)
            .header("Authorization", session -> "Bearer " + token.get())
            .body(StringBody(session -> workOrderCreated(session.getString("erpId"), session.getString("number"))))
            .check(status().is(200)));
  }

  static List<OpenInjectionStep> injection(LoadSettings s) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    switch (s.mode) {
      case "constant" -> steps.add(constantUsersPerSec(s.rate).during(Duration.ofSeconds(s.duration)));
      case "ramp" -> steps.add(rampUsersPerSec(s.rampFrom).to(s.rampTo).during(Duration.ofSeconds(s.duration)));
      case "stairs" -> steps.add(incrementUsersPerSec(s.stairsStep)
          .times(s.stairsLevels)
          .eachLevelLasting(Duration.ofSeconds(s.stairsLevelSeconds))
          .separatedByRampsLasting(Duration.ofSeconds(2))
          .startingFrom(s.stairsStart));
      default -> throw new IllegalArgumentException("mode must be constant, ramp or stairs (got " + s.mode + ")");
    }
    return steps;
  }

  static List<Assertion> assertions(LoadSettings s) {
    if (s.maxP95 <= 0) {
      return List.of();
    }
    return List.of(details(MEASURED).responseTime().percentile(95.0).lt((int) Math.round(s.maxP95)),
        global().failedRequests().count().is(0L));
  }
}
