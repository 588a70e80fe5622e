package verticles.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import testsupport.Api.Response;
import testsupport.TestNode;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API browser at {@code /api-docs/}: Swagger UI from its webjar, served by the node (nothing from a CDN), over the
 * node's own {@code /openapi.yaml}; read over HTTP, then rendered in headless Chromium (a screenshot is left in
 * {@code target/api-docs/} when that fails, or always with {@code -Dui.screenshots=true}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ApiDocsTest {

  static final Path SHOTS = Path.of("target", "api-docs");

  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String base() {
    return "http://localhost:" + node.config().http().port();
  }

  /** The page's own script and stylesheet references, in order. */
  static List<String> assets(String html) {
    Matcher m = Pattern.compile("<(?:script src|link rel=\"stylesheet\" type=\"text/css\" href)=\"([^\"]+)\"").matcher(html);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void theApiBrowserIsAnHtmlPageWithoutAToken() {
    Response page = node.api.get("/api-docs/", null);

    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("id=\"swagger-ui\"").contains("/openapi.yaml");
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
    assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
  }

  @Test
  void withoutTheSlashItRedirectsToThePage() {
    Response page = node.api.get("/api-docs", null);

    assertThat(page.status()).isEqualTo(302);
    assertThat(page.header("Location")).hasValue("/api-docs/");
  }

  @Test
  void everyScriptAndStylesheetOfThePageLoadsFromTheNodeWithItsContentType() {
    String html = node.api.get("/api-docs/", null).body();
    List<String> assets = assets(html);

    assertThat(assets).contains("./swagger-ui.css", "./swagger-ui-bundle.js", "./swagger-ui-standalone-preset.js",
        "./swagger-initializer.js");
    for (String asset : assets) {
      Response loaded = node.api.get("/api-docs/" + asset.substring(2), null);
      assertThat(loaded.status()).as(asset + ": " + loaded.status()).isEqualTo(200);
      String expected = asset.endsWith(".css") ? "text/css" : "javascript";
      assertThat(loaded.header("Content-Type")).as(asset).hasValueSatisfying(t -> assertThat(t).contains(expected));
      assertThat(loaded.body()).as(asset).isNotBlank();
    }
    assertThat(node.api.get("/api-docs/swagger-ui-bundle.js", null).body()).contains("SwaggerUIBundle");
  }

  @Test
  void theInitializerShowsTheNodesOwnDocumentAndCallsNoValidator() {
    Response initializer = node.api.get("/api-docs/swagger-initializer.js", null);

    assertThat(initializer.status()).isEqualTo(200);
    assertThat(initializer.body()).contains("url: \"/openapi.yaml\"").contains("validatorUrl: null")
        .doesNotContain("petstore");
  }

  @Test
  void aFileTheWebjarDoesNotHoldIsNotFound() {
    assertThat(node.api.get("/api-docs/swagger-ui.css", null).status()).isEqualTo(200);
    assertThat(node.api.get("/api-docs/no-such-file.js", null).status()).isEqualTo(404);
    assertThat(node.api.get("/api-docs/../openapi.yaml", null).status()).isNotEqualTo(500);
  }

  /** A screenshot and the page's HTML in target/api-docs/. */
  static void shoot(WebDriver browser) throws IOException {
    Files.createDirectories(SHOTS);
    Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve("api-docs.png"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(SHOTS.resolve("api-docs.html"), browser.getPageSource());
  }

  @Test
  void inABrowserTheUiShowsTheOperationsOfTheNodesDocument() throws IOException {
    Path profile = Files.createTempDirectory("mraos-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=1400,2000", "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // the driver is given, so Selenium Manager is never asked to find (or download) one
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    WebDriver browser = new ChromeDriver(service, options);
    try {
      browser.get(base() + "/api-docs/");
      new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage("Swagger UI showing the operations")
          .until(d -> d.findElements(By.cssSelector(".opblock-summary-path")).size() > 10);

      List<String> paths = browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
          .map(WebElement::getText).map(t -> t.replace("\u200b", "")).toList();
      assertThat(paths).contains("/api/v1/work-orders", "/api/v1/machines", "/api/v1/alerts",
          "/api/v1/alerts/{id}/acknowledge", "/health/ready");
      assertThat(browser.findElement(By.cssSelector(".info .title")).getText()).contains("MRAOS integration API");
      // nothing the page needs was refused by its Content-Security-Policy, nor failed to load
      assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).map(LogEntry::getMessage)
          .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Failed to load"));
      if (Boolean.getBoolean("ui.screenshots")) {
        shoot(browser);
      }
    } catch (RuntimeException | AssertionError e) {
      shoot(browser);
      throw e;
    } finally {
      browser.quit();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
