package verticles.lines;

import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import simulators.MesMqttPublisher;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static verticles.erp.Refusals.assertErrorBody;

/**
 * The supervisors' alerts on the API: {@code GET /api/v1/alerts} (newest first, filtered, paged) and
 * {@code POST /api/v1/alerts/{id}/acknowledge}. One alert comes from the MES (a breakdown over MQTT); the others are
 * rows as the lines write them, on lines of each test's own so rows of other tests never count.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AlertApiTest {

  static final String ALERTS = "/api/v1/alerts";

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMes("mes-alert-api-test");

  static TestNode node;
  static String supervisor;
  static final List<String> linesMade = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = plant.node();
    supervisor = node.token("supervisor");
  }

  @AfterAll
  static void tidy() {
    linesMade.forEach(line -> node.db.exec("DELETE FROM alerts WHERE line_id = ?", line));
  }

  static String line() {
    String line = Plant.unique("t-line").toLowerCase();
    linesMade.add(line);
    return line;
  }

  /** An alert as a line writes it, {@code minutesAgo} old; its id. */
  static long alert(String line, String machine, String type, String severity, int minutesAgo) {
    return ((Number) node.db.value("INSERT INTO alerts (created_at, severity, alert_type, line_id, machine_id, message, details)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING alert_id", Timestamp.from(Instant.now().minus(minutesAgo, ChronoUnit.MINUTES)),
        severity, type, line, machine, type + " on " + machine, "{\"machine_id\": \"" + machine + "\"}")).longValue();
  }

  static JsonObject list(String query) {
    Response response = node.api.get(ALERTS + "?" + query, supervisor);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  static List<Long> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(a -> ((JsonObject) a).getLong("alert_id")).toList();
  }

  static Response acknowledge(Object id, String token) {
    return node.api.post(ALERTS + "/" + id + "/acknowledge", token, null, "", Map.of());
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void aBreakdownTheMesReportsIsAnAlertOnTheApi() {
    Instant since = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    String reason = Plant.unique("Hydraulic pressure drop");
    plant.mes().publish(MesMqttPublisher.downtimeTopic("line3", "M-301"),
        MesMqttPublisher.downtime("M-301", Instant.now(), true, "MECH_FAULT", reason, null)).await();

    String query = "machine=M-301&type=machine_breakdown&since=" + q(since.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> list(query).getJsonArray("items").stream()
        .anyMatch(a -> ((JsonObject) a).getString("message").contains(reason)));
    JsonObject alert = list(query).getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("message").contains(reason)).findFirst().orElseThrow();
    assertThat(alert.getString("severity")).isEqualTo("high");
    assertThat(alert.getString("alert_type")).isEqualTo("machine_breakdown");
    assertThat(alert.getString("line_id")).isEqualTo("line3");
    assertThat(alert.getString("machine_id")).isEqualTo("M-301");
    assertThat(alert.getString("message")).contains("Machine M-301 is down").contains("MECH_FAULT");
    assertThat(alert.getJsonObject("details").getString("reason_code")).isEqualTo("MECH_FAULT");
    assertThat(Instant.parse(alert.getString("created_at"))).isAfterOrEqualTo(since);
    assertThat(alert.getBoolean("acknowledged")).isFalse();
    assertThat(alert.getString("acknowledged_by")).isNull();
    assertThat(alert.getString("acknowledged_at")).isNull();
    // the line by its name, as ERP calls it
    assertThat(ids(list("line=" + q("Line 3") + "&" + query))).contains(alert.getLong("alert_id"));
    assertThat(ids(list("line=" + q("Line 1") + "&" + query))).isEmpty();
  }

  @Test
  void theListIsNewestFirstAndEachFilterNarrowsIt() {
    String line = line();
    String other = line();
    long a1 = alert(line, "M-A1", "machine_breakdown", "high", 30);
    long a2 = alert(line, "M-B1", "quality_defect", "warning", 20);
    long a3 = alert(line, "M-A1", "quality_defect", "warning", 10);
    long elsewhere = alert(other, "M-A1", "quality_defect", "warning", 5);

    JsonObject all = list("line=" + line);
    assertThat(ids(all)).containsExactly(a3, a2, a1);
    assertThat(all.getLong("total")).isEqualTo(3);
    assertThat(ids(list("line=" + other))).containsExactly(elsewhere);
    assertThat(ids(list("line=" + line + "&machine=M-A1"))).containsExactly(a3, a1);
    assertThat(ids(list("line=" + line + "&type=quality_defect"))).containsExactly(a3, a2);
    assertThat(ids(list("line=" + line + "&severity=high"))).containsExactly(a1);
    String since = q(Instant.now().minus(15, ChronoUnit.MINUTES).toString());
    assertThat(ids(list("line=" + line + "&since=" + since))).containsExactly(a3);
    assertThat(ids(list("line=" + line + "&machine=M-A1&type=quality_defect&since=" + since))).containsExactly(a3);
    assertThat(list("line=" + line + "&machine=M-NONE").getLong("total")).isZero();

    assertThat(acknowledge(a2, supervisor).status()).isEqualTo(200);
    assertThat(ids(list("line=" + line + "&acknowledged=true"))).containsExactly(a2);
    assertThat(ids(list("line=" + line + "&acknowledged=false"))).containsExactly(a3, a1);
  }

  @Test
  void theListIsPagedWithTheTotalOfAllPages() {
    String line = line();
    List<Long> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(0, alert(line, "M-P1", "quality_defect", "warning", 50 - i)); // newest first
    }

    JsonObject page1 = list("line=" + line + "&page_size=2");
    JsonObject page2 = list("line=" + line + "&page_size=2&page=2");
    JsonObject page3 = list("line=" + line + "&page_size=2&page=3");
    JsonObject page4 = list("line=" + line + "&page_size=2&page=4");

    assertThat(ids(page1)).containsExactly(made.get(0), made.get(1));
    assertThat(ids(page2)).containsExactly(made.get(2), made.get(3));
    assertThat(ids(page3)).containsExactly(made.get(4));
    assertThat(ids(page4)).isEmpty();
    for (JsonObject page : List.of(page1, page2, page3, page4)) {
      assertThat(page.getLong("total")).isEqualTo(5);
      assertThat(page.getInteger("page_size")).isEqualTo(2);
    }
    assertThat(page3.getInteger("page")).isEqualTo(3);
    assertThat(list("line=" + line).getInteger("page_size")).isEqualTo(50);
    assertThat(list("line=" + line).getInteger("page")).isEqualTo(1);
  }

  @Test
  void aSupervisorAcknowledgesAnAlertOnceWithWhoAndWhenAndTheScreensSeeIt() {
    String line = line();
    long id = alert(line, "M-K1", "machine_breakdown", "high", 1);
    List<JsonObject> screen = new CopyOnWriteArrayList<>();
    plant.vertx().createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
            .setPort(node.config().http().port()).setURI("/api/v1/live?lines=" + line + "&access_token=" + supervisor))
        .andThen(ar -> ar.result().textMessageHandler(text -> screen.add(new JsonObject(text)))).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> !screen.isEmpty()); // subscribed
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Response first = acknowledge(id, supervisor);

    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().getString("status")).isEqualTo("acknowledged");
    JsonObject alert = first.json().getJsonObject("alert");
    assertThat(alert.getLong("alert_id")).isEqualTo(id);
    assertThat(alert.getBoolean("acknowledged")).isTrue();
    assertThat(alert.getString("acknowledged_by")).isEqualTo("supervisor");
    Instant at = Instant.parse(alert.getString("acknowledged_at"));
    assertThat(at).isBetween(before, Instant.now().plusSeconds(1));
    Map<String, Object> row = node.db.rows("SELECT acknowledged_by, acknowledged_at FROM alerts WHERE alert_id = ?", id).get(0);
    assertThat(row.get("acknowledged_by")).isEqualTo("supervisor");
    assertThat(((Timestamp) row.get("acknowledged_at")).toInstant()).isEqualTo(at);
    await().atMost(Duration.ofSeconds(10)).until(() -> screen.stream().anyMatch(e -> "alert_acknowledged".equals(e.getString("type"))
        && e.getJsonObject("data").getLong("alert_id") == id && line.equals(e.getString("line_id"))));

    // again: nothing changes, and the answer says who acknowledged it first and when
    Response second = acknowledge(id, supervisor);

    assertThat(second.status()).as(second.toString()).isEqualTo(200);
    assertThat(second.json().getString("status")).isEqualTo("already_acknowledged");
    assertThat(second.json().getJsonObject("alert")).isEqualTo(alert);
    assertThat(second.json().getString("message")).contains("already acknowledged by supervisor");
    assertThat(node.db.rows("SELECT acknowledged_by, acknowledged_at FROM alerts WHERE alert_id = ?", id).get(0)).isEqualTo(row);
    assertThat(screen.stream().filter(e -> "alert_acknowledged".equals(e.getString("type")))).hasSize(1);
  }

  @Test
  void onlyASupervisorMayAcknowledge() {
    long id = alert(line(), "M-S1", "quality_defect", "warning", 1);

    assertErrorBody(acknowledge(id, null), 401, "INT-001");
    assertErrorBody(acknowledge(id, node.token("erp-connector")), 403, "INT-001");
    assertErrorBody(acknowledge(id, node.token("mes-connector")), 403, "INT-001");
    String stranger = node.tokens.signed(Map.of("client_id", "stranger", "azp", "stranger", "sub", "stranger"),
        Duration.ofMinutes(5));
    assertErrorBody(acknowledge(id, stranger), 403, "INT-001");
    assertThat(node.db.value("SELECT acknowledged_at FROM alerts WHERE alert_id = ?", id)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"abc", "%00", "1%00", "%001", "-1", "1.5", "1%20", "1234567890123456789", "A-1", "%C3%A9"})
  void aMalformedAlertIdIsAValidationErrorNamingIt(String id) {
    JsonObject body = assertErrorBody(acknowledge(id, supervisor), 400, "INT-003");

    assertThat(body.getJsonArray("details")).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("field")).isEqualTo("id"));
  }

  @Test
  void anUnknownAlertIsNotFound() {
    long unknown = 900_000_000_000_000_000L + (System.nanoTime() % 1_000_000L);

    JsonObject body = assertErrorBody(acknowledge(unknown, supervisor), 404, "INT-004");

    assertThat(body.getLong("alert_id")).isEqualTo(unknown);
    assertThat(body.getString("message")).contains(String.valueOf(unknown));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"page=0", "page=abc", "page_size=0", "page_size=501", "acknowledged=yes", "acknowledged=",
      "since=yesterday", "since=%2B999999-01-01T00:00:00Z", "since=2025-11-18T14:30:00", "severity=bogus",
      "machine=M-1%00", "type=defect%1B", "line=line%002"})
  void badQueryParametersAreValidationErrorsNamingThem(String query) {
    JsonObject body = assertErrorBody(node.api.get(ALERTS + "?" + query, supervisor), 400, "INT-003");

    assertThat(body.getJsonArray("details")).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("field")).isEqualTo(query.substring(0, query.indexOf('='))));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"supervisor", "mes-connector", "hr-connector", "inventory-connector", "erp-connector"})
  void anyKnownClientMayRead(String client) {
    String line = line();
    long id = alert(line, "M-R1", "quality_defect", "warning", 1);

    Response response = node.api.get(ALERTS + "?line=" + line, node.token(client));

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(ids(response.json())).containsExactly(id);
  }

  @Test
  void anUnknownClientOrNoTokenMayNotRead() {
    String stranger = node.tokens.signed(Map.of("client_id", "stranger", "azp", "stranger", "sub", "stranger"),
        Duration.ofMinutes(5));

    assertErrorBody(node.api.get(ALERTS, stranger), 403, "INT-001");
    assertErrorBody(node.api.get(ALERTS, null), 401, "INT-001");
  }
}
