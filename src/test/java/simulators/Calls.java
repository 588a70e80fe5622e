package simulators;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls a simulator over real HTTP/1.1, as MRAOS's outbound path will. */
final class Calls {

  /** Reused across calls, as a real client keeps connections alive. */
  static final HttpClient SHARED = client();

  private Calls() {
  }

  /** A client of its own: no pooled connection to the simulator from before it went down. */
  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
  }

  static HttpRequest.Builder postJson(String url, JsonObject body) {
    return request(url).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return SHARED.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** On a connection of its own, so the failure seen is this call's (a refused connect, a dropped one). */
  static HttpResponse<String> sendAlone(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send(request(url).GET());
  }

  static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }
}
