package verticles.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.TestNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's landing page ({@code /}): what a person finds there, with nothing loaded from elsewhere. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LandingPageTest {

  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static List<String> links(String html) {
    Matcher m = Pattern.compile("href=\"([^\"]+)\"").matcher(html);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void theRootIsAnHtmlPageLinkingToWhatAnOperatorReads() {
    Response page = node.api.get("/", null);

    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(links(page.body())).contains("/api-docs/", "/health/live", "/health/ready", "/api/v1/integrations/status",
        "/metrics", "/admin/failures", "/openapi.yaml");
  }

  @Test
  void itSaysTheIntegrationStatusNeedsATokenAndTheSupervisorsAppWillCome() {
    String html = node.api.get("/", null).body();

    assertThat(html).containsPattern("(?s)integration-status.*Needs a token");
    assertThat(html).contains("id=\"supervisor-app\"").containsPattern("(?s)supervisor.*app.*will come");
  }

  @Test
  void itLoadsNothingFromElsewhere() {
    Response page = node.api.get("/", null);

    assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
    assertThat(page.body()).doesNotContain("<script");
    assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
  }

  @Test
  void everyLinkWithoutATokenAnswersAndTheStatusAsksForOne() {
    List<String> links = links(node.api.get("/", null).body());
    assertThat(links).hasSizeGreaterThanOrEqualTo(7);
    for (String link : links) {
      Response followed = node.api.get(link, null);
      if (link.startsWith("/api/")) {
        assertThat(followed.status()).as(link).isEqualTo(401);
      } else {
        assertThat(followed.status()).as(link + ": " + followed.status()).isEqualTo(200);
      }
    }
  }
}
