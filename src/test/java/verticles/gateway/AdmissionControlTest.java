package verticles.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import testsupport.Api.Response;
import testsupport.AuditRows;
import testsupport.Plant;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admission control (http.max-in-flight, here 1 on a single gateway instance): while one API request is being worked
 * on, the next is answered at once with 503 SERVICE_UNAVAILABLE, Retry-After and the standard error body, and audited;
 * once the first is done, requests are served again. Health stays outside the limit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdmissionControlTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static TestNode node;
  static String erp;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("http.max-in-flight", 1, "http.instances", 1));
    erp = node.token("erp-connector");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A POST whose body is sent only in part: the gateway holds it in flight (waiting for the rest of the body). */
  static Socket slowRequest(String body) throws Exception {
    Socket socket = new Socket("localhost", node.config().http().port());
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + erp
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }

  static String finish(Socket socket, String body) throws Exception {
    socket.getOutputStream().write(body.substring(10).getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    socket.setSoTimeout(20_000);
    InputStream in = socket.getInputStream();
    byte[] head = new byte[12];
    int read = 0;
    while (read < head.length) {
      int n = in.read(head, read, head.length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return new String(head, 0, read, StandardCharsets.US_ASCII);
  }

  @Test
  void pastTheLimitARequestIsAnswered503AtOnceAndServedAgainAfterwards() throws Exception {
    String slowBody = Plant.workOrderEvent("work_order.created", Plant.unique("WO-ADM-SLOW")).encode();
    try (Socket slow = slowRequest(slowBody)) {
      String correlationId = "corr_shed_" + Plant.unique("X");
      // the slow request may take a moment to be routed: until then a request may still get through
      await("a request refused while the slow one is in flight").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> node.api.post(PATH, erp, "application/json",
              Plant.workOrderEvent("work_order.created", Plant.unique("WO-ADM")).encode(),
              Map.of("X-Correlation-ID", correlationId)).status() == 503);

      long started = System.nanoTime();
      Response refused = node.api.post(PATH, erp, "application/json",
          Plant.workOrderEvent("work_order.created", Plant.unique("WO-ADM")).encode(), Map.of());
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(millis).as("answered at once").isLessThan(2_000);
      assertThat(refused.header("Retry-After")).contains("1");
      JsonObject body = refused.json();
      assertThat(body.getString("status")).isEqualTo("error");
      assertThat(body.getString("error_code")).isEqualTo("SERVICE_UNAVAILABLE");
      assertThat(body.getString("message")).contains("capacity");
      assertThat(body.getString("correlation_id")).isNotBlank();
      assertThat(refused.header("X-Correlation-ID")).contains(body.getString("correlation_id"));

      // health is not an API call: it answers whatever the load
      assertThat(node.api.get("/health/live", null).status()).isEqualTo(200);

      // the refusal is audited like any other
      assertThat(AuditRows.one(node.db, correlationId)).containsEntry("http_status_code", 503).containsEntry("success", false);

      // the slow request itself completes normally
      assertThat(finish(slow, slowBody)).startsWith("HTTP/1.1 200");
    }
    Response after = node.api.postJson(PATH, erp, Plant.workOrderEvent("work_order.created", Plant.unique("WO-ADM-AFTER")));
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
  }

  @Test
  void concurrentRequestsBeyondTheLimitAreRefusedNotQueued() throws Exception {
    int clients = 16;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        calls.add(() -> {
          int refusedCount = 0;
          for (int j = 0; j < 5; j++) {
            Response r = node.api.postJson(PATH, erp, Plant.workOrderEvent("work_order.created", Plant.unique("WO-ADM-C")));
            assertThat(r.status()).as(r.toString()).isIn(200, 503);
            if (r.status() == 503) {
              refusedCount++;
            }
          }
          return refusedCount;
        });
      }
      int refused = 0;
      for (Future<Integer> f : pool.invokeAll(calls)) {
        refused += f.get();
      }
      assertThat(refused).as("requests refused with 503 among %d concurrent ones", clients * 5).isPositive();
    } finally {
      pool.shutdownNow();
    }
    Response after = node.api.postJson(PATH, erp, Plant.workOrderEvent("work_order.created", Plant.unique("WO-ADM-AFTER")));
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
  }
}
