package testsupport;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A plain HTTP client for one MRAOS node, as an external system would call it. */
public final class Api {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  public Api(int port) {
    this.base = "http://localhost:" + port;
  }

  public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public Optional<String> header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response postJson(String path, String token, Object json) {
    return post(path, token, "application/json", json.toString(), Map.of());
  }

  public Response post(String path, String token, String contentType, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request, token, headers);
  }

  /** The body exactly as these bytes (e.g. not UTF-8), for tests of what MRAOS does with them. */
  public Response postBytes(String path, String token, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)), token, Map.of());
  }

  public Response get(String path, String token) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET(), token, Map.of());
  }

  public Response send(String method, String path, String token) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody()), token, Map.of());
  }

  private static Response send(HttpRequest.Builder request, String token, Map<String, String> headers) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (Exception e) {
      throw new IllegalStateException("HTTP call failed: " + e, e);
    }
  }
}
