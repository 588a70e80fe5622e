package testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/** A node's integration status ({@code GET /api/v1/integrations/status}), read as a supervisor's screen reads it. */
public final class Status {

  public static final String PATH = "/api/v1/integrations/status";
  public static final Set<String> LINES = Set.of("line-line1", "line-line2", "line-line3");

  private final Api api;
  private final Supplier<String> token;

  public Status(Api api, Supplier<String> token) {
    this.api = api;
    this.token = token;
  }

  public JsonObject now() {
    Api.Response response = api.get(PATH, token.get());
    if (response.status() != 200) {
      throw new IllegalStateException("integration status: " + response);
    }
    return response.json();
  }

  /** One part as reported (e.g. line-line2, opcua-mes-main, outbound-erp), or null when no system lists it. */
  public JsonObject part(String name) {
    return find(now(), name);
  }

  /** The part's state: up, degraded, down; null when not listed. */
  public String state(String part) {
    JsonObject found = part(part);
    return found == null ? null : found.getString("status");
  }

  /** The singletons a node runs, as it last shared them. */
  public Set<String> singletonsOf(String node) {
    JsonObject report = now().getJsonObject("nodes").getJsonObject(node);
    Set<String> names = new TreeSet<>();
    if (report != null) {
      report.getJsonArray("singletons", new JsonArray()).forEach(name -> names.add(String.valueOf(name)));
    }
    return names;
  }

  /** Waits until these parts are up (e.g. the lines' MQTT sessions, before publishing to them). */
  public void awaitUp(String... parts) {
    await("up: " + String.join(", ", parts)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          JsonObject status = now();
          for (String part : parts) {
            JsonObject found = find(status, part);
            if (found == null || !"up".equals(found.getString("status"))) {
              return false;
            }
          }
          return true;
        });
  }

  private static JsonObject find(JsonObject status, String name) {
    JsonObject systems = status.getJsonObject("systems");
    for (String system : systems.fieldNames()) {
      for (Object part : systems.getJsonObject(system).getJsonArray("parts")) {
        if (name.equals(((JsonObject) part).getString("part"))) {
          return (JsonObject) part;
        }
      }
    }
    return null;
  }
}
