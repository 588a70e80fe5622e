package verticles.gateway;

import io.vertx.core.json.JsonObject;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.AuditRows;
import testsupport.Plant;
import testsupport.RateWindow;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec §3.3 "100 requests per minute per client" on the integration endpoints, configurable by
 * security.rate-limit.requests-per-minute (here 5): the request past the limit gets 429 INT-002 with Retry-After;
 * X-RateLimit-Limit / X-RateLimit-Remaining tell what is left; the count is per client (the token's client, whatever
 * token it uses) and refusals are audited. No 60-second span may hold more than the limit (SlidingRateLimitTest
 * crosses minute boundaries); each test here sends its requests within a few seconds.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RateLimitTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static final int LIMIT = 5;
  /** One client per test, so the tests' counts never mix. */
  static final List<String> CLIENTS = List.of("rl-sequence", "rl-shared", "rl-bystander", "rl-burst", "rl-reset");
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(
        "security.rate-limit.requests-per-minute", LIMIT,
        "security.erp.allowed-clients", "erp-connector," + String.join(",", CLIENTS)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String token(String clientId) {
    return node.tokens.signed(Map.of("client_id", clientId, "azp", clientId, "sub", clientId), Duration.ofMinutes(10));
  }

  record Attempt(Response response, String erpId, String correlationId) {
  }

  static Attempt post(String token) {
    String erpId = Plant.unique("WO-RL");
    String correlationId = "corr_rl_" + erpId;
    Response response = node.api.post(PATH, token, "application/json",
        Plant.workOrderEvent("work_order.created", erpId).encode(), Map.of("X-Correlation-ID", correlationId));
    return new Attempt(response, erpId, correlationId);
  }

  static void assertAllowed(Attempt attempt, int remaining) {
    Response response = attempt.response();
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.header("X-RateLimit-Limit")).contains(String.valueOf(LIMIT));
    assertThat(response.header("X-RateLimit-Remaining")).as("X-RateLimit-Remaining").contains(String.valueOf(remaining));
  }

  /** 429 INT-002 with an honest Retry-After, nothing stored, and the refusal audited against the client. */
  static void assertLimited(Attempt attempt, String clientId) {
    Response response = attempt.response();
    assertThat(response.status()).as(response.toString()).isEqualTo(429);
    JsonObject body = response.json();
    assertThat(body.getString("status")).isEqualTo("error");
    assertThat(body.getString("error_code")).isEqualTo("INT-002");
    assertThat(body.getString("message")).contains(clientId);
    assertThat(response.header("Retry-After")).as("Retry-After").isPresent();
    assertThat(Integer.parseInt(response.header("Retry-After").get())).as("until the first request is a minute old")
        .isBetween(1, 61);
    assertThat(response.header("X-RateLimit-Limit")).contains(String.valueOf(LIMIT));
    assertThat(response.header("X-RateLimit-Remaining")).contains("0");
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", attempt.erpId())).isZero();
    assertThat(AuditRows.one(node.db, attempt.correlationId())).containsEntry("http_status_code", 429)
        .containsEntry("success", false).containsEntry("user_id", clientId)
        .containsEntry("integration_type", "erp_work_order_inbound");
  }

  @Test
  void theShippedLimitIs100RequestsPerMinute() {
    assertThat(MraosConfig.from(ConfigLoader.defaults()).security().requestsPerMinute()).isEqualTo(100);
  }

  @Test
  void theRequestPastTheLimitIsRefusedWithRetryAfterAndAudited() {
    String client = "rl-sequence";
    String token = token(client);
    RateWindow.awaitRoom(Duration.ofSeconds(15));

    for (int i = 1; i <= LIMIT; i++) {
      assertAllowed(post(token), LIMIT - i);
    }
    Attempt sixth = post(token);
    Attempt seventh = post(token);

    assertLimited(sixth, client);
    assertLimited(seventh, client);
  }

  @Test
  void theLimitCountsTheTokensClientWhicheverTokenItUsesAndNoOtherClient() {
    String client = "rl-shared";
    String first = token(client);
    // a second token of the same client, naming it by azp only
    String second = node.tokens.signed(Map.of("azp", client, "sub", client, "client_id", ""), Duration.ofMinutes(10));
    String bystander = token("rl-bystander");
    RateWindow.awaitRoom(Duration.ofSeconds(15));

    assertAllowed(post(first), 4);
    assertAllowed(post(second), 3);
    assertAllowed(post(first), 2);
    assertAllowed(post(bystander), 4);
    assertAllowed(post(second), 1);
    assertAllowed(post(first), 0);
    assertLimited(post(second), client);
    assertLimited(post(first), client);

    // the other client is not affected, and a known dev client neither
    assertAllowed(post(bystander), 3);
    assertAllowed(post(node.token("erp-connector")), 4);
  }

  @Test
  void concurrentRequestsCannotGetPastTheLimit() throws Exception {
    String client = "rl-burst";
    String token = token(client);
    int requests = 20;
    RateWindow.awaitRoom(Duration.ofSeconds(20));

    List<Attempt> attempts = concurrently(requests, () -> post(token));

    List<Attempt> accepted = attempts.stream().filter(a -> a.response().status() != 429).toList();
    assertThat(accepted).as("requests of %d let through with a limit of %d (the X-RateLimit-Remaining they were told: %s)",
            requests, LIMIT, accepted.stream().map(a -> a.response().header("X-RateLimit-Remaining").orElse("-")).toList())
        .hasSize(LIMIT)
        .allSatisfy(a -> assertThat(a.response().status()).as(a.response().toString()).isEqualTo(200));
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ANY (?)",
        (Object) attempts.stream().map(Attempt::erpId).toArray(String[]::new))).isEqualTo(LIMIT);
  }

  @Test
  void afterRetryAfterSecondsTheClientMayPostAgain() throws Exception {
    String client = "rl-reset";
    String token = token(client);
    RateWindow.awaitRoom(Duration.ofSeconds(5));

    for (int i = 1; i <= LIMIT; i++) {
      assertAllowed(post(token), LIMIT - i);
    }
    Attempt limited = post(token);
    assertLimited(limited, client);

    Thread.sleep(Long.parseLong(limited.response().header("Retry-After").orElseThrow()) * 1000 + 50);

    // the oldest counted second has aged out; what the client has left depends on how many of its requests fell in
    // that second (all of them unless the machine was slow): at most LIMIT - 1 after this one
    Attempt again = post(token);
    assertThat(again.response().status()).as(again.response().toString()).isEqualTo(200);
    assertThat(Integer.parseInt(again.response().header("X-RateLimit-Remaining").orElseThrow())).isBetween(0, LIMIT - 1);
  }

  /** {@code count} calls on as many threads, released together. */
  static <T> List<T> concurrently(int count, Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    CyclicBarrier go = new CyclicBarrier(count);
    try {
      List<Callable<T>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        calls.add(() -> {
          go.await(30, TimeUnit.SECONDS);
          return call.call();
        });
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
