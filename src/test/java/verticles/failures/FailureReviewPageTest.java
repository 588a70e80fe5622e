package verticles.failures;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integration admins' dead-letter review page (spec §7.2's dashboard) in a real browser: headless Chromium, driven
 * through the system's chromedriver, against a real node. It lists, filters and pages failures, opens one, and does
 * each action (Retry, Edit &amp; Retry, Mark as Resolved, Discard) as the supervisor would; the database must show that
 * each action was taken by "supervisor" at a time. A failing test leaves a screenshot and the page's HTML in
 * {@code target/failure-review-page/} ({@code -Dui.screenshots=true} saves one after every test).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FailureReviewPageTest {

  static final String ERP_TYPE = "erp_work_order_inbound";
  static final Path SHOTS = Path.of("target", "failure-review-page");

  static TestNode node;
  static String erp;
  static String supervisor;
  static String knownMaterial;
  static Path profile;
  static WebDriver browser;

  @RegisterExtension
  final AfterTestExecutionCallback screenshotOnFailure = context -> {
    if (context.getExecutionException().isPresent() || Boolean.getBoolean("ui.screenshots")) {
      snapshot(context.getRequiredTestMethod().getName());
    }
  };

  @BeforeAll
  static void start() throws IOException {
    node = TestNode.start();
    erp = node.token("erp-connector");
    supervisor = node.token("supervisor");
    knownMaterial = Plant.unique("MAT-UI");
    createMaterial(knownMaterial);

    profile = Files.createTempDirectory("mraos-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=1400,2000", "--lang=en-US");
    // the driver is given, so Selenium Manager is never asked to find (or download) one
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (node != null) {
      node.close();
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  Instant testStart;

  @BeforeEach
  void mark() {
    // failures of this test are newer than this (whole seconds: the page's time filter has no finer grain)
    testStart = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
  }

  @Test
  void withoutAValidTokenItSaysWhatIsWrongAndTheTokenStaysForTheTab() {
    browser.get(pageUrl());
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.navigate().refresh();
    waitFor("the page asking for a token", d -> text("notice").contains("token"));
    assertThat(byId("token-help").getText()).contains("grant_type=client_credentials").contains("supervisor");

    enterToken("not-a-token");
    waitFor("the API's refusal", d -> text("notice").contains("401") || text("notice").contains("INT-001"));
    assertThat(text("notice")).contains("get a new one");

    enterToken(erp); // a valid token, but not an integration admin's
    waitFor("the API's refusal of the ERP connector", d -> text("notice").contains("not an integration admin"));

    enterToken(supervisor);
    waitFor("the list", d -> "ready".equals(byId("list").getDomAttribute("data-state")) && !byId("notice").isDisplayed());
    browser.navigate().refresh();
    waitFor("the list again, with the token kept", d -> "ready".equals(byId("list").getDomAttribute("data-state")));
    assertThat(byId("token-state").getDomAttribute("data-state")).isEqualTo("set");
  }

  @Test
  void itShowsTheFiguresAndFiltersAndPagesTheList() {
    List<String> erpFailures = new java.util.ArrayList<>();
    for (int i = 0; i < 11; i++) {
      erpFailures.add(failedWorkOrder(Plant.unique("MAT-MISSING")).failureId());
    }
    String otherType = "ui_fixture_outbound_" + Plant.unique("t").substring(2).toLowerCase();
    String outbound = outboundFailure(otherType);
    JsonObject stats = node.api.get(FailureRoutes.PATH + "/stats", supervisor).json();

    openPage();
    // the figures, as the API gives them
    waitFor("the figures", d -> !rows("#stats-body tr[data-type='" + otherType + "']").isEmpty());
    assertThat(text("queue-depth")).isEqualTo(String.valueOf(stats.getLong("queue_depth")));
    WebElement erpFigures = browser.findElement(By.cssSelector("#stats-body tr[data-type='" + ERP_TYPE + "']"));
    assertThat(cell(erpFigures, "open")).isEqualTo(String.valueOf(stats.getJsonObject("by_type").getJsonObject(ERP_TYPE).getLong("open")));
    assertThat(Long.parseLong(cell(erpFigures, "failed_last_hour"))).isGreaterThanOrEqualTo(11);
    assertThat(cell(erpFigures, "avg_resolution")).isNotBlank();

    // type + status + time: only this test's ERP failures, newest first, ten on a page
    new Select(byId("page-size")).selectByValue("10");
    new Select(byId("filter-type")).selectByValue(ERP_TYPE);
    new Select(byId("filter-status")).selectByValue("pending_manual_review");
    setLocalTime("filter-from", testStart);
    byId("apply-filters").click();
    Map<String, String> query = awaitList(Map.of("integration_type", ERP_TYPE, "status", "pending_manual_review"));
    assertThat(Instant.parse(query.get("from"))).isEqualTo(testStart);
    assertThat(query).containsEntry("page_size", "10").containsEntry("page", "1");
    List<String> newestTen = new java.util.ArrayList<>(erpFailures.subList(1, 11));
    java.util.Collections.reverse(newestTen);
    assertThat(listedIds()).containsExactlyElementsOf(newestTen);
    assertThat(rows("#failures-body tr")).allSatisfy(r -> {
      assertThat(r.getDomAttribute("data-type")).isEqualTo(ERP_TYPE);
      assertThat(r.getDomAttribute("data-status")).isEqualTo("pending_manual_review");
    });
    assertThat(byId("page-info").getDomAttribute("data-total")).isEqualTo("11");
    assertThat(byId("prev-page").isEnabled()).isFalse();

    byId("next-page").click();
    awaitList(Map.of("page", "2"));
    assertThat(listedIds()).containsExactly(erpFailures.get(0));
    assertThat(byId("next-page").isEnabled()).isFalse();
    byId("prev-page").click();
    awaitList(Map.of("page", "1"));

    // the other type
    new Select(byId("filter-type")).selectByValue(otherType);
    awaitList(Map.of("integration_type", otherType));
    assertThat(listedIds()).containsExactly(outbound);
    // other statuses: none of them
    new Select(byId("filter-type")).selectByValue(ERP_TYPE);
    new Select(byId("filter-status")).selectByValue("resolved");
    awaitList(Map.of("integration_type", ERP_TYPE, "status", "resolved"));
    assertThat(listedIds()).doesNotContainAnyElementsOf(erpFailures);
    assertThat(byId("empty-list").isDisplayed()).isTrue();
    // up to a time before them: none of them either
    new Select(byId("filter-status")).selectByValue("");
    setLocalTime("filter-to", testStart);
    byId("apply-filters").click();
    Map<String, String> upTo = awaitList("any status up to " + testStart, q -> q.containsKey("to") && !q.containsKey("status"));
    assertThat(Instant.parse(upTo.get("to"))).isEqualTo(testStart);
    assertThat(listedIds()).doesNotContainAnyElementsOf(erpFailures);

    // an outbound failure's Edit & Retry corrects the payload sent, not the whole queued call
    byId("reset-filters").click();
    awaitList(Map.of());
    openFailure(outbound);
    byId("action-edit").click();
    assertThat(byId("edit-label").getText()).contains("payload").contains("ERP");
    assertThat(new JsonObject(byId("edit-payload").getDomProperty("value")))
        .isEqualTo(new JsonObject().put("work_order_id", "WO-UI-1").put("quantity_completed", 200));
    byId("edit-cancel").click();
    assertThat(byId("editor").isDisplayed()).isFalse();
    discardInPage("Test fixture, not a real call");
  }

  @Test
  void retryAppliesTheMessageAgainOnceTheMissingMaterialExists() {
    String missing = Plant.unique("MAT-MISSING");
    Failed failed = failedWorkOrder(missing);

    openPage();
    new Select(byId("filter-type")).selectByValue(ERP_TYPE);
    new Select(byId("filter-status")).selectByValue("pending_manual_review");
    awaitList(Map.of("integration_type", ERP_TYPE, "status", "pending_manual_review"));
    assertThat(listedIds()).contains(failed.failureId());
    openFailure(failed.failureId());

    // what failed, as received
    assertThat(text("detail-status")).isEqualTo("Pending manual review");
    assertThat(text("detail-type")).isEqualTo(ERP_TYPE);
    assertThat(text("detail-error-code")).isEqualTo("VALIDATION_ERROR");
    assertThat(text("detail-error-message")).isEqualTo("Material " + missing + " not found in MRAOS database");
    assertThat(text("detail-attempts")).isEqualTo("1 (no retry)");
    String original = byId("detail-original").getText();
    assertThat(new JsonObject(original)).isEqualTo(failed.event());
    assertThat(original).as("pretty-printed").contains("\n  \"work_order\": {\n    \"");
    assertThat(byId("history-empty").isDisplayed()).isTrue();

    // too early: the material is still unknown, so it fails again and waits for review
    byId("action-retry").click();
    awaitOutcome("still-failing");
    assertThat(text("outcome")).contains("failed again").contains(missing);
    assertThat(text("detail-attempts")).isEqualTo("2 (1 retry)");
    assertThat(historyActions()).containsExactly("retry:supervisor", "retry_failed:mraos");

    // the material arrives from ERP; now the retry goes through
    createMaterial(missing);
    byId("action-note").sendKeys("Material master arrived");
    byId("action-retry").click();
    awaitOutcome("ok");
    assertThat(byId("outcome").getDomAttribute("data-status")).isEqualTo("resolved");
    String workOrderId = node.db.value("SELECT work_order_id FROM work_orders WHERE erp_work_order_id = ?", failed.erpId()).toString();
    assertThat(text("outcome")).contains("resolved").contains(workOrderId);
    assertThat(text("detail-status")).isEqualTo("Resolved");
    assertThat(text("detail-closed")).contains("supervisor");
    assertThat(byId("actions").isDisplayed()).isFalse();
    assertThat(byId("closed-note").isDisplayed()).isTrue();
    assertThat(historyActions()).containsExactly("retry:supervisor", "retry_failed:mraos", "retry:supervisor",
        "retry_succeeded:mraos");
    waitFor("the list to follow (it shows failures pending review)",
        d -> rows("#failures-body tr[data-failure-id='" + failed.failureId() + "']").isEmpty());

    // the work order exists, with the material that was missing
    assertThat(node.db.count("SELECT count(*) FROM work_order_bom WHERE work_order_id = ? AND material_id = ?",
        workOrderId, missing)).isEqualTo(1);
    assertThat(node.db.value("SELECT status FROM integration_failures WHERE failure_id = ?", failed.failureId()))
        .isEqualTo("resolved");
    assertRecorded(failed.failureId(), "retry", "supervisor", null);
    assertRecorded(failed.failureId(), "retry", "supervisor", "Material master arrived");
  }

  @Test
  void editAndRetryRefusesInvalidJsonAndSendsTheCorrectedMessage() {
    String wrong = Plant.unique("MAT-TYPO");
    Failed failed = failedWorkOrder(wrong);

    openPage();
    openFailure(failed.failureId());
    byId("action-edit").click();
    WebElement editor = byId("edit-payload");
    String prefilled = editor.getDomProperty("value");
    assertThat(new JsonObject(prefilled)).as("prefilled with the original message").isEqualTo(failed.event());

    // broken JSON is refused in the page: nothing reaches MRAOS
    editor.sendKeys(",,,");
    byId("edit-send").click();
    waitFor("the JSON error", d -> byId("edit-error").isDisplayed());
    assertThat(text("edit-error")).contains("Not valid JSON");
    assertThat(editor.getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(actions(failed.failureId())).isEmpty();
    replaceText(editor, "[1, 2]");
    byId("edit-send").click();
    waitFor("the refusal of a non-object", d -> text("edit-error").contains("JSON object"));
    assertThat(actions(failed.failureId())).isEmpty();

    // the corrected message: the material id as it should have been
    replaceText(editor, prefilled.replace(wrong, knownMaterial));
    byId("action-note").sendKeys("Typo in ERP's material id");
    byId("edit-send").click();
    awaitOutcome("ok");
    assertThat(byId("outcome").getDomAttribute("data-status")).isEqualTo("resolved");
    assertThat(text("detail-status")).isEqualTo("Resolved");
    assertThat(byId("editor").isDisplayed()).isFalse();
    assertThat(historyActions()).containsExactly("edit_and_retry:supervisor", "retry_succeeded:mraos");
    assertThat(byId("history-body").getText()).contains("Edit & Retry").contains("Typo in ERP's material id");

    String workOrderId = node.db.value("SELECT work_order_id FROM work_orders WHERE erp_work_order_id = ?", failed.erpId()).toString();
    assertThat(node.db.rows("SELECT material_id FROM work_order_bom WHERE work_order_id = ?", workOrderId))
        .extracting(r -> r.get("material_id")).containsExactly(knownMaterial);
    Map<String, Object> action = assertRecorded(failed.failureId(), "edit_and_retry", "supervisor", "Typo in ERP's material id");
    assertThat(new JsonObject(action.get("payload").toString()))
        .isEqualTo(new JsonObject(prefilled.replace(wrong, knownMaterial)));
  }

  @Test
  void discardAndMarkAsResolvedTakeANoteAndCloseTheFailure() {
    Failed toDiscard = failedWorkOrder(Plant.unique("MAT-OLD"));
    Failed toResolve = failedWorkOrder(Plant.unique("MAT-ELSEWHERE"));

    openPage();
    openFailure(toDiscard.failureId());
    byId("action-discard").click();
    awaitOutcome("refused");
    assertThat(text("outcome")).contains("note");
    assertThat(actions(toDiscard.failureId())).isEmpty();
    discardInPage("Order was cancelled in ERP");
    assertThat(text("detail-closed")).contains("supervisor").contains("Order was cancelled in ERP");

    openFailure(toResolve.failureId());
    byId("action-note").sendKeys("Entered by hand in MES");
    byId("action-resolve").click();
    awaitOutcome("ok");
    assertThat(text("outcome")).isEqualTo("Marked as resolved.");
    assertThat(text("detail-status")).isEqualTo("Resolved");
    assertThat(historyActions()).containsExactly("resolve:supervisor");

    assertRecorded(toDiscard.failureId(), "discard", "supervisor", "Order was cancelled in ERP");
    assertRecorded(toResolve.failureId(), "resolve", "supervisor", "Entered by hand in MES");
    assertThat(node.db.rows("SELECT status, resolved_by, resolution_note FROM integration_failures WHERE failure_id IN (?, ?)"
        + " ORDER BY status", toDiscard.failureId(), toResolve.failureId())).containsExactly(
        Map.of("status", "discarded", "resolved_by", "supervisor", "resolution_note", "Order was cancelled in ERP"),
        Map.of("status", "resolved", "resolved_by", "supervisor", "resolution_note", "Entered by hand in MES"));
    assertThat(node.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id IN (?, ?)",
        toDiscard.erpId(), toResolve.erpId())).isZero();
  }

  @Test
  void whenTheApiRefusesAnActionThePageSaysWhyAndShowsTheFailureAsItIsNow() {
    Failed failed = failedWorkOrder(Plant.unique("MAT-GONE"));
    openPage();
    openFailure(failed.failureId());

    // someone else discards it meanwhile
    Response discarded = node.api.postJson(FailureRoutes.PATH + "/" + failed.failureId() + "/discard", supervisor,
        new JsonObject().put("note", "Handled elsewhere"));
    assertThat(discarded.status()).as(discarded.toString()).isEqualTo(200);

    byId("action-note").sendKeys("Fixed");
    byId("action-resolve").click();
    awaitOutcome("error");
    assertThat(text("outcome")).contains("INT-003").contains(failed.failureId() + " is discarded");
    waitFor("the failure as it is now", d -> text("detail-status").equals("Discarded"));
    assertThat(byId("actions").isDisplayed()).isFalse();
    assertThat(historyActions()).containsExactly("discard:supervisor");
    assertThat(actions(failed.failureId())).extracting(r -> r.get("action")).containsExactly("discard");
  }

  // ---- the plant ----------------------------------------------------------------------------------------------------

  record Failed(String failureId, String erpId, JsonObject event) {
  }

  /** ERP sends a work order naming a material MRAOS does not know: refused, kept as a failure for review. */
  static Failed failedWorkOrder(String unknownMaterial) {
    String erpId = Plant.unique("WO-ERP");
    JsonObject event = Plant.workOrderEvent("work_order.created", erpId,
        Plant.bomLine(unknownMaterial, "P-" + unknownMaterial, "Part", 10));
    Response response = node.api.postJson(ErpRoutes.WORK_ORDERS, erp, event);
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    String failureId = response.json().getString("failure_id");
    assertThat(failureId).as(response.toString()).isNotNull();
    return new Failed(failureId, erpId, event);
  }

  static void createMaterial(String materialId) {
    Response response = node.api.postJson(ErpRoutes.MATERIALS, erp,
        Plant.materials(Plant.material(materialId, "P-" + materialId, "Part")));
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
  }

  /** A call out that ran out of retries, as the outbound path leaves it (a fixture: no such call was made). */
  static String outboundFailure(String integrationType) {
    // shaped as MRAOS's own ids (the API checks FAIL-<yyyymmdd>-<n>), dated so as never to meet a real one
    String id = "FAIL-20000101-" + (900_000_000L + Math.floorMod(System.nanoTime(), 100_000_000L));
    String messageId = Plant.unique("msg_ui");
    JsonObject original = new JsonObject().put("message_id", messageId).put("external_system", "ERP").put("method", "POST")
        .put("path", "/api/work-orders/completions").put("reference_id", "WO-UI-1")
        .put("payload", new JsonObject().put("work_order_id", "WO-UI-1").put("quantity_completed", 200));
    node.db.exec("""
        INSERT INTO integration_failures (failure_id, timestamp, integration_type, direction, external_system, original_message,
            error_code, error_message, retry_count, status, message_id)
        VALUES (?, now(), ?, 'outbound', 'ERP', ?::jsonb, 'HTTP_503', 'ERP answered 503', 5, 'pending_manual_review', ?)""",
        id, integrationType, original.encode(), messageId);
    return id;
  }

  static List<Map<String, Object>> actions(String failureId) {
    return node.db.rows("SELECT action, actor, note, payload, acted_at FROM integration_failure_actions WHERE failure_id = ?"
        + " ORDER BY action_id", failureId);
  }

  /** The action is in integration_failure_actions, by that actor, with that note, at a time during this test. */
  Map<String, Object> assertRecorded(String failureId, String action, String actor, String note) {
    List<Map<String, Object>> matching = actions(failureId).stream()
        .filter(r -> action.equals(r.get("action")) && java.util.Objects.equals(note, r.get("note"))).toList();
    assertThat(matching).as(action + " with note " + note + " in " + actions(failureId)).hasSize(1);
    Map<String, Object> row = matching.get(0);
    assertThat(row.get("actor")).isEqualTo(actor);
    Instant at = row.get("acted_at") instanceof OffsetDateTime t ? t.toInstant() : ((Timestamp) row.get("acted_at")).toInstant();
    assertThat(at).isBetween(testStart, Instant.now().plusSeconds(1));
    return row;
  }

  // ---- the page -----------------------------------------------------------------------------------------------------

  static String pageUrl() {
    return "http://localhost:" + node.config().http().port() + "/admin/failures";
  }

  /** Opens the page with the supervisor's token (kept by the tab once entered) and waits for the list. */
  void openPage() {
    browser.get(pageUrl());
    if (!"set".equals(byId("token-state").getDomAttribute("data-state"))) {
      enterToken(supervisor);
    }
    waitFor("the list", d -> "ready".equals(byId("list").getDomAttribute("data-state")));
    assertThat(byId("notice").isDisplayed()).as(text("notice")).isFalse();
  }

  void enterToken(String token) {
    WebElement field = byId("token");
    field.clear();
    field.sendKeys(token);
    byId("save-token").click();
  }

  void openFailure(String failureId) {
    WebElement row = waitFor("failure " + failureId + " in the list",
        d -> d.findElements(By.cssSelector("#failures-body tr[data-failure-id='" + failureId + "'] button")).stream()
            .findFirst().orElse(null));
    row.click();
    waitFor("failure " + failureId + " opened", d -> failureId.equals(byId("detail").getDomAttribute("data-failure-id"))
        && byId("detail").isDisplayed());
    assertThat(browser.switchTo().activeElement().getDomAttribute("id")).as("focus on the opened failure").isEqualTo("detail-title");
  }

  void discardInPage(String note) {
    String id = byId("detail").getDomAttribute("data-failure-id");
    replaceText(byId("action-note"), note);
    byId("action-discard").click();
    awaitOutcome("ok");
    assertThat(text("outcome")).isEqualTo("Discarded.");
    assertThat(text("detail-status")).isEqualTo("Discarded");
    assertThat(byId("actions").isDisplayed()).isFalse();
    assertThat(historyActions()).containsExactly("discard:supervisor");
    assertRecorded(id, "discard", "supervisor", note);
  }

  /** Waits for the list answering a query with these parameters; the query's parameters. */
  Map<String, String> awaitList(Map<String, String> expected) {
    return awaitList(expected, q -> q.entrySet().containsAll(expected.entrySet()));
  }

  Map<String, String> awaitList(Object described, java.util.function.Predicate<Map<String, String>> matches) {
    return waitFor("the list for " + described, d -> {
      if (!"ready".equals(byId("list").getDomAttribute("data-state"))) {
        return null;
      }
      Map<String, String> query = query(byId("list").getDomAttribute("data-query"));
      return matches.test(query) ? query : null;
    });
  }

  static Map<String, String> query(String text) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    for (String pair : (text == null ? "" : text).split("&")) {
      if (!pair.isEmpty()) {
        String[] kv = pair.split("=", 2);
        params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  List<String> listedIds() {
    return rows("#failures-body tr").stream().map(r -> r.getDomAttribute("data-failure-id")).toList();
  }

  List<String> historyActions() {
    return rows("#history-body tr").stream().map(r -> r.getDomAttribute("data-action") + ":" + r.getDomAttribute("data-actor")
        + (r.getDomAttribute("data-at") == null ? ":no time" : "")).toList();
  }

  /** A datetime-local field set to this instant in the browser's own time zone, as a person would pick it. */
  void setLocalTime(String id, Instant at) {
    ((JavascriptExecutor) browser).executeScript("""
        const d = new Date(arguments[1]), p = (n) => String(n).padStart(2, '0');
        arguments[0].value = d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours())
            + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
        arguments[0].dispatchEvent(new Event('input', {bubbles: true}));
        arguments[0].dispatchEvent(new Event('change', {bubbles: true}));""", byId(id), at.toString());
  }

  static void replaceText(WebElement field, String text) {
    field.clear();
    // a long text typed key by key is slow: set it, then type one key so the page sees real input
    ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", field, text.substring(0, text.length() - 1));
    field.sendKeys(text.substring(text.length() - 1));
  }

  static List<WebElement> rows(String css) {
    return browser.findElements(By.cssSelector(css));
  }

  static String cell(WebElement row, String field) {
    return row.findElement(By.cssSelector("[data-field='" + field + "']")).getText();
  }

  static WebElement byId(String id) {
    return browser.findElement(By.id(id));
  }

  static String text(String id) {
    return byId(id).getText();
  }

  /** Waits for the outcome of an action ("ok", "still-failing", "refused", "error"), saying what was shown instead. */
  static void awaitOutcome(String result) {
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .withMessage(() -> "outcome " + result + "; shown: " + byId("outcome").getDomAttribute("data-result") + " "
            + byId("outcome").getText() + " / notice: " + text("notice"))
        .ignoring(StaleElementReferenceException.class)
        .until(d -> result.equals(byId("outcome").getDomAttribute("data-result")));
  }

  static <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(what)
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  static void snapshot(String name) {
    if (browser == null) {
      return;
    }
    try {
      Files.createDirectories(SHOTS);
      File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
      Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(SHOTS.resolve(name + ".html"), browser.getPageSource());
    } catch (Exception e) {
      System.err.println("No screenshot of " + name + ": " + e);
    }
  }
}
