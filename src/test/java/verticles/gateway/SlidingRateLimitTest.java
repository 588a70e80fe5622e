package verticles.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.MutableClock;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit holds for every 60-second span, not per clock minute: a client that used its 5 requests in the last second
 * of a minute gets nothing more at the start of the next (once 2 x 5 went through within a second), and may go on
 * exactly when its first requests are a minute old. The node's clock is the test's, so minutes pass without waiting.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlidingRateLimitTest {

  static final int LIMIT = 5;
  /** A client per test: each test moves the clock to times of its own. */
  static final String BOUNDARY = "rl-sliding-" + Plant.unique("B").toLowerCase();
  static final String RETRY = "rl-sliding-" + Plant.unique("R").toLowerCase();
  /** A second before a minute begins, a minute or two from now (the tokens, signed in real time, stay valid). */
  static final Instant START = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofSeconds(119));
  static final MutableClock clock = MutableClock.at(START);
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("security.rate-limit.requests-per-minute", LIMIT,
        "security.erp.allowed-clients", "erp-connector," + BOUNDARY + "," + RETRY), clock);
    // a first order warms the node up, so that a burst of ten takes well under a second
    Response warm = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"),
        Plant.workOrderEvent("work_order.created", Plant.unique("WO-SL")));
    assertThat(warm.status()).as(warm.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  record Sent(Instant at, Response response) {
    boolean accepted() {
      return response.status() != 429;
    }
  }

  static String token(String client) {
    return node.tokens.signed(Map.of("client_id", client, "azp", client, "sub", client), Duration.ofMinutes(10));
  }

  static List<Sent> burst(String token, Instant at, int count) {
    clock.set(at);
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant before = clock.instant();
      sent.add(new Sent(before, node.api.postJson(ErpRoutes.WORK_ORDERS, token,
          Plant.workOrderEvent("work_order.created", Plant.unique("WO-SL")))));
    }
    return sent;
  }

  @Test
  void noSixtySecondSpanAcceptsMoreThanTheLimitAcrossAMinuteBoundary() {
    String token = token(BOUNDARY);
    List<Sent> all = new ArrayList<>();
    List<Sent> lastSecond = burst(token, START, 10);                                 // hh:mm:59.0
    List<Sent> nextMinute = burst(token, START.plusMillis(1200), 10);                // hh:(mm+1):00.2
    List<Sent> almost = burst(token, START.plusMillis(59_400), 3);                   // hh:(mm+1):58.4: 59.x not a minute old
    List<Sent> aMinuteOn = burst(token, START.plusMillis(61_100), 10);               // hh:(mm+2):00.1: it is now
    all.addAll(lastSecond);
    all.addAll(nextMinute);
    all.addAll(almost);
    all.addAll(aMinuteOn);

    assertThat(lastSecond.stream().filter(Sent::accepted).count()).as("accepted in the minute's last second").isEqualTo(LIMIT);
    assertThat(nextMinute).as("the next minute's first second: the limit is used up for another minute")
        .allSatisfy(s -> assertThat(s.response().status()).as(s.response().toString()).isEqualTo(429));
    assertThat(almost).allSatisfy(s -> assertThat(s.response().status()).isEqualTo(429));
    assertThat(aMinuteOn.stream().filter(Sent::accepted).count()).as("accepted once the first ones are a minute old")
        .isEqualTo(LIMIT);

    List<Instant> accepted = all.stream().filter(Sent::accepted).map(Sent::at).sorted().toList();
    for (int i = 0; i + LIMIT < accepted.size(); i++) {
      assertThat(Duration.between(accepted.get(i), accepted.get(i + LIMIT)))
          .as("request %d and %d accepted (times %s)", i, i + LIMIT, accepted).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    }
  }

  @Test
  void retryAfterSaysWhenTheNextRequestIsAccepted() {
    String client = RETRY;
    String token = token(client);
    List<Sent> sent = burst(token, START.plus(Duration.ofMinutes(3)), LIMIT + 1);
    Response refused = sent.get(LIMIT).response();
    assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
    assertThat(refused.json().getString("error_code")).isEqualTo("INT-002");
    assertThat(refused.json().getString("message")).contains(client);
    assertThat(refused.header("X-RateLimit-Remaining")).contains("0");
    long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
    assertThat(retryAfter).as("the first request's second ages out a minute after it ends").isBetween(60L, 61L);

    List<Sent> tooEarly = burst(token, sent.get(LIMIT).at().plusSeconds(retryAfter - 2), 1);
    List<Sent> onTime = burst(token, sent.get(LIMIT).at().plusSeconds(retryAfter), 1);

    assertThat(tooEarly.get(0).response().status()).isEqualTo(429);
    assertThat(onTime.get(0).response().status()).as(onTime.get(0).response().toString()).isEqualTo(200);
  }
}
