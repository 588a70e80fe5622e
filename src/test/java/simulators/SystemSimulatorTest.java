package simulators;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static simulators.Calls.get;
import static simulators.Calls.json;
import static simulators.Calls.postJson;
import static simulators.Calls.request;
import static simulators.Calls.send;

/**
 * A generic simulated system (here a MES with one route) records what it receives, plays scripted faults in order,
 * goes down and comes back on its port, asks for the credentials it is configured with, and does all of it over its
 * /_simulator/ control API as well.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SystemSimulatorTest {

  static final String START = "/api/v1/work-orders/start";

  static Vertx vertx;
  static SystemSimulator mes;
  static final AtomicInteger starts = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    mes = SystemSimulator.start(vertx, "MES", 0).await();
    mes.router().post(START).handler(ctx -> {
      starts.incrementAndGet();
      ctx.json(new JsonObject().put("status", "started"));
    });
  }

  @AfterAll
  static void stop() {
    mes.stop().await();
    vertx.close().await();
  }

  @BeforeEach
  void forget() {
    mes.reset();
    starts.set(0);
  }

  String url(String path) {
    return mes.baseUrl() + path;
  }

  @Test
  void recordsEveryRequestWithMethodPathQueryHeadersAndBody() throws Exception {
    Instant before = Instant.now();
    send(postJson(url(START + "?line=Line%202"), new JsonObject().put("work_order_id", "WO-4600"))
        .header("X-Correlation-Id", "corr-1"));
    send(request(url("/api/v1/notes")).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("plain words")));
    get(url("/api/v1/machines"));

    assertThat(mes.received()).extracting(ReceivedRequest::method, ReceivedRequest::path)
        .containsExactly(
            tuple("POST", START),
            tuple("POST", "/api/v1/notes"),
            tuple("GET", "/api/v1/machines"));
    ReceivedRequest start = mes.received(START).get(0);
    assertThat(start.query()).isEqualTo("line=Line%202");
    assertThat(start.header("x-correlation-id")).isEqualTo("corr-1");
    assertThat(start.json()).isEqualTo(new JsonObject().put("work_order_id", "WO-4600"));
    assertThat(start.receivedAt()).isBetween(before, Instant.now());
    assertThat(mes.received("/api/v1/notes").get(0).body()).isEqualTo("plain words");
    assertThat(mes.received("/api/v1/machines").get(0).body()).isNull();

    mes.clear();
    assertThat(mes.received()).isEmpty();
  }

  @Test
  void keepsOnlyTheLatestRequestsWhenToldTo() throws Exception {
    try {
      mes.keepLatest(2);
      for (String machine : new String[] {"M-101", "M-102", "M-103"}) {
        send(postJson(url(START), new JsonObject().put("machine_id", machine)));
      }

      assertThat(mes.received(START)).extracting(call -> call.json().getString("machine_id")).containsExactly("M-102", "M-103");
      assertThat(starts.get()).isEqualTo(3);
      assertThatThrownBy(() -> mes.keepLatest(0)).isInstanceOf(IllegalArgumentException.class);
    } finally {
      mes.keepLatest(Integer.MAX_VALUE);
    }
  }

  @Test
  void aPathWithoutRouteIsAJson404() throws Exception {
    HttpResponse<String> answer = get(url("/api/v1/nothing-here"));
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(json(answer).getString("error_code")).isEqualTo("INT-004");
  }

  @Test
  void scriptedStatusesAnswerInOrderThenTheRouteAnswers() throws Exception {
    mes.fault(START, Fault.status(503), Fault.tooManyRequests(2),
        Fault.status(400).header("X-Reason", "bad").body(new JsonObject().put("error", "line unknown")));

    HttpResponse<String> first = send(postJson(url(START), new JsonObject()));
    HttpResponse<String> second = send(postJson(url(START), new JsonObject()));
    HttpResponse<String> otherPath = get(url("/api/v1/machines"));
    HttpResponse<String> third = send(postJson(url(START), new JsonObject()));
    HttpResponse<String> fourth = send(postJson(url(START), new JsonObject()));

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(json(first).getString("status")).isEqualTo("error");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(json(second).getString("error_code")).isEqualTo("INT-002");
    assertThat(otherPath.statusCode()).as("faults are per exact path").isEqualTo(404);
    assertThat(third.statusCode()).isEqualTo(400);
    assertThat(third.headers().firstValue("X-Reason")).hasValue("bad");
    assertThat(json(third)).isEqualTo(new JsonObject().put("error", "line unknown"));
    assertThat(fourth.statusCode()).isEqualTo(200);
    assertThat(starts).as("faulted requests never reach the route").hasValue(1);
    assertThat(mes.received(START)).as("faulted requests are recorded too").hasSize(4);
    assertThat(mes.pendingFaults(START)).isEmpty();
  }

  @Test
  void aDelayMakesTheCallerTimeOutButTheRequestIsStillHandled() throws Exception {
    mes.fault(START, Fault.delay(Duration.ofMillis(1500)), Fault.delay(Duration.ofMillis(300)));

    assertThatThrownBy(() -> send(postJson(url(START), new JsonObject()).timeout(Duration.ofMillis(300))))
        .isInstanceOf(HttpTimeoutException.class);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(starts).hasValue(1));

    long begun = System.nanoTime();
    HttpResponse<String> patient = send(postJson(url(START), new JsonObject()));
    assertThat(patient.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - begun)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void closeDropsTheConnectionWithoutAnAnswer() throws Exception {
    mes.fault(START, Fault.close());

    assertThatThrownBy(() -> Calls.sendAlone(postJson(url(START), new JsonObject())))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    assertThat(starts).hasValue(0);
    assertThat(send(postJson(url(START), new JsonObject())).statusCode()).isEqualTo(200);
  }

  @Test
  void downRefusesConnectionsAndUpServesAgainOnTheSamePort() throws Exception {
    int port = mes.port();
    mes.down().await();
    assertThat(mes.isUp()).isFalse();
    assertThatThrownBy(() -> Calls.sendAlone(postJson(url(START), new JsonObject())))
        .isInstanceOf(ConnectException.class);

    mes.up().await();
    assertThat(mes.isUp()).isTrue();
    assertThat(mes.port()).isEqualTo(port);
    assertThat(Calls.sendAlone(postJson(url(START), new JsonObject())).statusCode()).isEqualTo(200);
  }

  @Test
  void bearerAccessRequiresATokenAndRefusesTheTokensItIsToldTo() throws Exception {
    SystemSimulator erp = SystemSimulator.start(vertx, "ERP", 0, Access.bearer()).await();
    try {
      erp.router().get("/api/v1/materials").handler(ctx -> ctx.json(new JsonObject().put("materials", new JsonArray())));
      String materials = erp.baseUrl() + "/api/v1/materials";

      HttpResponse<String> none = get(materials);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ERP\"");
      assertThat(json(none).getString("error_code")).isEqualTo("INT-001");
      assertThat(send(request(materials).header("Authorization", "Basic dXNlcjpwdw==")).statusCode()).isEqualTo(401);
      assertThat(send(request(materials).header("Authorization", "Bearer ")).statusCode()).isEqualTo(401);
      assertThat(send(request(materials).header("Authorization", "Bearer token-1")).statusCode()).isEqualTo(200);

      erp.refuseTokens(token -> token.equals("token-1"));
      HttpResponse<String> refused = send(request(materials).header("Authorization", "Bearer token-1"));
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ERP\", error=\"invalid_token\"");
      assertThat(send(request(materials).header("Authorization", "Bearer token-2")).statusCode()).isEqualTo(200);

      erp.acceptAllTokens();
      assertThat(send(request(materials).header("Authorization", "Bearer token-1")).statusCode()).isEqualTo(200);

      erp.fault("/api/v1/materials", Fault.status(503));
      assertThat(get(materials).statusCode()).as("a scripted fault answers before the token is looked at").isEqualTo(503);
      assertThat(erp.received("/api/v1/materials")).hasSize(8);
    } finally {
      erp.stop().await();
    }
  }

  @Test
  void basicAccessRequiresTheUserAndPassword() throws Exception {
    SystemSimulator guarded = SystemSimulator.start(vertx, "MES", 0, Access.basic("mraos", "line-secret")).await();
    try {
      guarded.router().get("/api/v1/machines").handler(ctx -> ctx.json(new JsonObject()));
      String machines = guarded.baseUrl() + "/api/v1/machines";

      HttpResponse<String> none = get(machines);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"MES\"");
      assertThat(send(request(machines).header("Authorization", basic("mraos", "wrong"))).statusCode()).isEqualTo(401);
      assertThat(send(request(machines).header("Authorization", basic("mraos", "line-secret"))).statusCode()).isEqualTo(200);
    } finally {
      guarded.stop().await();
    }
  }

  @Test
  void apiKeyAccessRequiresTheKeyHeader() throws Exception {
    SystemSimulator hr = SystemSimulator.start(vertx, "HR", 0, Access.apiKey("X-API-Key", "hr-key")).await();
    try {
      hr.router().get("/api/v1/employees").handler(ctx -> ctx.json(new JsonObject()));
      String employees = hr.baseUrl() + "/api/v1/employees";

      assertThat(get(employees).statusCode()).isEqualTo(401);
      assertThat(send(request(employees).header("X-API-Key", "other")).statusCode()).isEqualTo(401);
      assertThat(send(request(employees).header("x-api-key", "hr-key")).statusCode()).isEqualTo(200);
    } finally {
      hr.stop().await();
    }
  }

  @Test
  void theControlApiScriptsFaultsAndShowsWhatWasReceived() throws Exception {
    HttpResponse<String> scripted = send(postJson(url("/_simulator/faults"), new JsonObject()
        .put("path", START)
        .put("faults", new JsonArray()
            .add(new JsonObject().put("status", 503))
            .add(new JsonObject().put("status", 429).put("headers", new JsonObject().put("Retry-After", "2")))
            .add(new JsonObject().put("close", true))
            .add(new JsonObject().put("delay_ms", 200)))));
    assertThat(scripted.statusCode()).isEqualTo(200);
    assertThat(json(scripted).getInteger("pending")).isEqualTo(4);
    assertThat(json(get(url("/_simulator/faults"))).getJsonObject("faults").getJsonArray(START)).hasSize(4);

    assertThat(send(postJson(url(START), new JsonObject())).statusCode()).isEqualTo(503);
    HttpResponse<String> throttled = send(postJson(url(START), new JsonObject()));
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("2");
    assertThatThrownBy(() -> Calls.sendAlone(postJson(url(START), new JsonObject())))
        .isInstanceOf(IOException.class);
    assertThat(send(postJson(url(START), new JsonObject().put("n", 4))).statusCode()).isEqualTo(200);

    JsonObject received = json(get(url("/_simulator/received?path=" + START)));
    assertThat(received.getInteger("count")).as("control calls are not recorded").isEqualTo(4);
    JsonObject last = received.getJsonArray("received").getJsonObject(3);
    assertThat(last.getString("method")).isEqualTo("POST");
    assertThat(last.getJsonObject("body")).isEqualTo(new JsonObject().put("n", 4));
    assertThat(last.getJsonObject("headers").getString("content-type")).isEqualTo("application/json");

    assertThat(send(request(url("/_simulator/received")).DELETE()).statusCode()).isEqualTo(204);
    assertThat(json(get(url("/_simulator/received"))).getInteger("count")).isZero();

    HttpResponse<String> nonsense = send(postJson(url("/_simulator/faults"), new JsonObject()
        .put("path", START).put("faults", new JsonArray().add(new JsonObject().put("explode", true)))));
    assertThat(nonsense.statusCode()).isEqualTo(400);
    assertThat(json(nonsense).getString("error_code")).isEqualTo("INT-003");
    assertThat(send(request(url("/_simulator/faults")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{not json"))).statusCode()).isEqualTo(400);
    assertThat(mes.pendingFaults(START)).isEmpty();
  }

  @Test
  void theControlApiTakesTheSystemDownForAWhile() throws Exception {
    HttpResponse<String> outage = send(request(url("/_simulator/down?seconds=3")).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(outage.statusCode()).isEqualTo(202);
    assertThat(json(outage).getInteger("port")).isEqualTo(mes.port());

    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
        assertThatThrownBy(() -> Calls.sendAlone(request(url(START))))
            .isInstanceOf(ConnectException.class));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
        assertThat(Calls.sendAlone(postJson(url(START), new JsonObject())).statusCode()).isEqualTo(200));
    assertThat(mes.isUp()).isTrue();
    assertThat(send(request(url("/_simulator/down?seconds=soon")).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
        .isEqualTo(400);
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
