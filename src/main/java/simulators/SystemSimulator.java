package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import mraos.http.ErrorCode;
import mraos.http.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A plant system (ERP, MES, HR, Inventory) played by a real HTTP server on loopback, for tests and demos.
 *
 * <p>Every request outside {@code /_simulator/} is, in this order: recorded ({@link #received()}); answered by the next
 * {@link Fault} scripted for its exact path (whatever the method), if any (a delay lets it continue afterwards); refused with 401 unless it
 * carries what the {@link Access} asks for; then handed to the routes callers or subclasses put on {@link #router()}
 * (a path no route serves gets 404). {@link #down()} stops listening so callers get "connection refused";
 * {@link #up()} listens again on the same port.
 *
 * <p>All public methods may be called from any thread while the server runs on its event loop: recordings and faults
 * live in concurrent collections and accessors return snapshots. Recordings are kept until {@link #clear()} or
 * {@link #reset()}, or only the latest ones when {@link #keepLatest} says so (a long-running demo). Control over HTTP, without authentication:
 * <pre>
 * GET    /_simulator/received[?path=/api/...]   what was received: {"received": [...], "count": n}
 * DELETE /_simulator/received                   forget it
 * POST   /_simulator/faults                     {"path": "/api/...", "faults": [{"status": 503}, {"delay_ms": 5000}, {"close": true}]}
 * GET    /_simulator/faults                     faults not yet used, by path
 * DELETE /_simulator/faults                     drop them
 * POST   /_simulator/down?seconds=N             stop listening for N seconds (an outage), then listen again
 * POST   /_simulator/reset                      forget everything received and scripted (and a subclass's data)
 * </pre>
 */
public class SystemSimulator {

  private static final Logger LOG = LoggerFactory.getLogger(SystemSimulator.class);

  /** Control routes live under here; they are neither recorded, faulted nor authenticated. */
  public static final String CONTROL = "/_simulator/";
  /** Loopback only: a simulator is a test fixture, not a service for the network. */
  private static final String HOST = "127.0.0.1";
  private static final long BODY_LIMIT_BYTES = 16L * 1024 * 1024;

  private final Vertx vertx;
  private final String name;
  private final Access access;
  private final Router router;
  protected final Clock clock = Clock.systemUTC();
  private final Queue<ReceivedRequest> received = new ConcurrentLinkedQueue<>();
  /** The queue's size, kept alongside (a ConcurrentLinkedQueue counts by walking). */
  private final AtomicInteger recorded = new AtomicInteger();
  private volatile int recordingsKept = Integer.MAX_VALUE;
  private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();
  private volatile Predicate<String> refusedTokens = token -> false;

  private volatile HttpServer server;
  private volatile int port = -1;
  /** Start, down, up and stop run one after another, whichever threads ask for them. */
  private Future<Void> lifecycle = Future.succeededFuture();

  protected SystemSimulator(Vertx vertx, String name, Access access) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.name = Objects.requireNonNull(name, "name");
    this.access = Objects.requireNonNull(access, "access");
    router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    router.route().handler(this::arrive);
    router.route().failureHandler(this::failed);
    router.errorHandler(404, this::failed).errorHandler(405, this::failed);
    mountControl();
  }

  /** A simulator with no routes of its own (every call gets 404 until routes are added to {@link #router()}). */
  public static Future<SystemSimulator> start(Vertx vertx, String name, int port) {
    return start(vertx, name, port, Access.open());
  }

  /** @param port the port to listen on, 0 for any free one ({@link #port()} tells which) */
  public static Future<SystemSimulator> start(Vertx vertx, String name, int port, Access access) {
    SystemSimulator simulator = new SystemSimulator(vertx, name, access);
    return simulator.listen(port).map(simulator);
  }

  /** Binds the server the first time; subclasses' {@code start} methods call it once their routes are on the router. */
  protected final Future<Void> listen(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, not " + port);
    }
    return step(() -> {
      if (server != null) {
        return Future.failedFuture(new IllegalStateException(name + " simulator is already listening on " + this.port));
      }
      return bind(port);
    });
  }

  private Future<Void> bind(int port) {
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(HOST)
            .setPort(port)
            // plain HTTP/1.1 only, so that closing a connection fails exactly the request it carried
            .setHttp2ClearTextEnabled(false))
        .requestHandler(router)
        .listen()
        .map(listening -> {
          server = listening;
          this.port = listening.actualPort();
          LOG.info("{} simulator listening at {}", name, baseUrl());
          return null;
        });
  }

  private synchronized Future<Void> step(Supplier<Future<Void>> next) {
    lifecycle = lifecycle.transform(previous -> next.get());
    return lifecycle;
  }

  public String name() {
    return name;
  }

  /** The port it listens on (kept while down, so that {@link #up()} comes back on it). */
  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  public boolean isUp() {
    return server != null;
  }

  /** Routes of the simulated system; they may be added before or after it starts. Requests reach them after recording, faults and access. */
  public Router router() {
    return router;
  }

  /**
   * Stops listening and drops open connections: callers now get "connection refused". The port stays this
   * simulator's only by convention: while it is down another program could take it, and {@link #up()} would fail.
   */
  public Future<Void> down() {
    return step(() -> {
      HttpServer listening = server;
      if (listening == null) {
        return Future.succeededFuture();
      }
      server = null;
      return listening.close().onSuccess(closed -> LOG.info("{} simulator down (port {} refuses connections)", name, port));
    });
  }

  /** Listens again on the same port after {@link #down()}. */
  public Future<Void> up() {
    return step(() -> server != null ? Future.succeededFuture() : bind(port));
  }

  public Future<Void> stop() {
    return down();
  }

  // ---- recording

  /** Every request received so far outside {@code /_simulator/}, oldest first. */
  public List<ReceivedRequest> received() {
    return List.copyOf(received);
  }

  /** The requests received for exactly this path (no query string), oldest first. */
  public List<ReceivedRequest> received(String path) {
    Objects.requireNonNull(path, "path");
    return received.stream().filter(request -> request.path().equals(path)).toList();
  }

  /** From now on only the latest {@code limit} requests are kept (by default all of them). */
  public void keepLatest(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 (was " + limit + ")");
    }
    recordingsKept = limit;
  }

  /** Forgets the requests received so far. */
  public void clear() {
    received.clear();
    recorded.set(0);
  }

  // ---- faults

  /** Adds faults for this exact path; each is used by one request, in order, before the route answers. */
  public void fault(String path, Fault... scripted) {
    Objects.requireNonNull(path, "path");
    Queue<Fault> queue = faults.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
    for (Fault fault : scripted) {
      queue.add(Objects.requireNonNull(fault, "fault"));
    }
  }

  /** Faults scripted for this path that no request has used yet. */
  public List<Fault> pendingFaults(String path) {
    Queue<Fault> queue = faults.get(path);
    return queue == null ? List.of() : List.copyOf(queue);
  }

  public void clearFaults() {
    faults.clear();
  }

  // ---- access

  /** With bearer access, answer 401 (invalid_token) to tokens this predicate matches, e.g. one the test wants "expired". */
  public void refuseTokens(Predicate<String> refused) {
    refusedTokens = Objects.requireNonNull(refused, "refused");
  }

  /** Accept every bearer token again. */
  public void acceptAllTokens() {
    refusedTokens = token -> false;
  }

  /** Forgets requests received and faults, accepts all tokens again; subclasses also drop their system's data. */
  public void reset() {
    clear();
    clearFaults();
    acceptAllTokens();
  }

  // ---- request pipeline

  private void arrive(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.startsWith(CONTROL)) {
      ctx.next();
      return;
    }
    received.add(ReceivedRequest.of(ctx, clock.instant()));
    if (recorded.incrementAndGet() > recordingsKept && received.poll() != null) {
      recorded.decrementAndGet();
    }
    Queue<Fault> queue = faults.get(path);
    Fault fault = queue == null ? null : queue.poll();
    if (fault == null) {
      admit(ctx);
    } else if (fault instanceof Fault.Respond answer) {
      LOG.debug("{} simulator answers {} {} with scripted {}", name, ctx.request().method(), path, answer.status());
      send(ctx.response(), answer);
    } else if (fault instanceof Fault.Delay delay) {
      vertx.setTimer(Math.max(1, delay.delay().toMillis()), timer -> admit(ctx));
    } else {
      LOG.debug("{} simulator drops the connection of {} {}", name, ctx.request().method(), path);
      ctx.request().connection().close();
    }
  }

  /** After a delay this runs even if the caller gave up: a slow system still does the work, only the answer is lost. */
  private void admit(RoutingContext ctx) {
    Fault.Respond refusal = refusal(ctx.request());
    if (refusal != null) {
      send(ctx.response(), refusal);
    } else {
      ctx.next();
    }
  }

  private Fault.Respond refusal(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    String realm = name.replaceAll("[^A-Za-z0-9 ._-]", "");
    if (access instanceof Access.Bearer) {
      if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          || authorization.substring(7).isBlank()) {
        return unauthorized("Bearer realm=\"" + realm + "\"", "A bearer token is required (Authorization: Bearer <token>)");
      }
      if (refusedTokens.test(authorization.substring(7).trim())) {
        return unauthorized("Bearer realm=\"" + realm + "\", error=\"invalid_token\"", "The bearer token is invalid or expired");
      }
    } else if (access instanceof Access.Basic basic) {
      byte[] expected = ("Basic " + Base64.getEncoder().encodeToString(
          (basic.user() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
      if (authorization == null || !MessageDigest.isEqual(expected, authorization.trim().getBytes(StandardCharsets.UTF_8))) {
        return unauthorized("Basic realm=\"" + realm + "\"", "Valid HTTP Basic credentials are required");
      }
    } else if (access instanceof Access.ApiKey apiKey) {
      String given = request.getHeader(apiKey.header());
      if (given == null || !MessageDigest.isEqual(apiKey.key().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
        return unauthorized(null, "A valid " + apiKey.header() + " header is required");
      }
    }
    return null;
  }

  private static Fault.Respond unauthorized(String challenge, String message) {
    Fault.Respond answer = Fault.status(401).body(error(ErrorCode.INT_001, message));
    return challenge == null ? answer : answer.header("WWW-Authenticate", challenge);
  }

  private void send(HttpServerResponse response, Fault.Respond answer) {
    response.setStatusCode(answer.status());
    answer.headers().forEach(response::putHeader);
    String body = answer.body();
    if (body == null && answer.status() >= 400) {
      body = error(errorCode(answer.status()), "Simulated " + answer.status() + " from " + name).encode();
    }
    if (body == null || answer.status() == 204 || answer.status() == 304) {
      response.end();
      return;
    }
    if (!response.headers().contains("Content-Type")) {
      String start = body.stripLeading();
      response.putHeader("Content-Type", start.startsWith("{") || start.startsWith("[") ? "application/json" : "text/plain");
    }
    response.end(body);
  }

  private static ErrorCode errorCode(int status) {
    return switch (status) {
      case 400, 413, 422 -> ErrorCode.INT_003;
      case 401, 403 -> ErrorCode.INT_001;
      case 404 -> ErrorCode.INT_004;
      case 429 -> ErrorCode.INT_002;
      case 504 -> ErrorCode.INT_005;
      case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
      default -> ErrorCode.SYSTEM_ERROR;
    };
  }

  /** The error body simulated systems answer with: {@code {"status":"error","error_code":...,"message":...}}. */
  protected static JsonObject error(ErrorCode code, String message) {
    return new JsonObject().put("status", "error").put("error_code", code.code()).put("message", message);
  }

  /** Bad input (IllegalArgumentException, unreadable JSON) is a 400; anything else a 500, both as JSON. */
  private void failed(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = failure instanceof IllegalArgumentException || failure instanceof DecodeException ? 400
        : failure == null && ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 500) {
      LOG.warn("{} simulator failed on {} {}", name, ctx.request().method(), ctx.request().path(), failure);
    }
    String message = failure != null && failure.getMessage() != null ? failure.getMessage()
        : status == 404 ? "Nothing at " + ctx.request().method() + " " + ctx.request().path() : "HTTP " + status;
    Responses.json(ctx, status, error(errorCode(status), message));
  }

  /** The request body as a JSON object; anything else is an {@link IllegalArgumentException} (answered 400). */
  protected static JsonObject jsonObjectBody(RoutingContext ctx) {
    Object body = jsonBody(ctx);
    if (body instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException("the body must be a JSON object");
  }

  /** The request body as a JSON object or array; anything else is an {@link IllegalArgumentException}. */
  protected static Object jsonBody(RoutingContext ctx) {
    if (ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new IllegalArgumentException("a JSON body is required");
    }
    try {
      Object body = Json.decodeValue(ctx.body().buffer());
      if (body instanceof JsonObject || body instanceof JsonArray) {
        return body;
      }
    } catch (DecodeException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getMessage());
    }
    throw new IllegalArgumentException("the body must be a JSON object or array");
  }

  // ---- control over HTTP

  private void mountControl() {
    router.get(CONTROL + "received").handler(ctx -> {
      String path = ctx.queryParams().get("path");
      List<ReceivedRequest> requests = path == null ? received() : received(path);
      JsonArray list = new JsonArray();
      requests.forEach(request -> list.add(request.toJson()));
      Responses.json(ctx, 200, new JsonObject().put("received", list).put("count", list.size()));
    });
    router.delete(CONTROL + "received").handler(ctx -> {
      clear();
      ctx.response().setStatusCode(204).end();
    });
    router.post(CONTROL + "faults").handler(ctx -> {
      JsonObject script = jsonObjectBody(ctx);
      if (!(script.getValue("path") instanceof String path) || !path.startsWith("/")) {
        throw new IllegalArgumentException("\"path\" must be the exact request path, starting with /");
      }
      if (!(script.getValue("faults") instanceof JsonArray list)) {
        throw new IllegalArgumentException("\"faults\" must be an array of faults");
      }
      List<Fault> parsed = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof JsonObject json)) {
          throw new IllegalArgumentException("each fault must be an object, not " + item);
        }
        parsed.add(Fault.fromJson(json));
      }
      fault(path, parsed.toArray(Fault[]::new));
      Responses.json(ctx, 200, new JsonObject().put("path", path).put("pending", pendingFaults(path).size()));
    });
    router.get(CONTROL + "faults").handler(ctx -> {
      Map<String, Object> byPath = new LinkedHashMap<>();
      faults.forEach((path, queue) -> {
        if (!queue.isEmpty()) {
          byPath.put(path, new JsonArray(queue.stream().map(Fault::toJson).toList()));
        }
      });
      Responses.json(ctx, 200, new JsonObject().put("faults", new JsonObject(byPath)));
    });
    router.delete(CONTROL + "faults").handler(ctx -> {
      clearFaults();
      ctx.response().setStatusCode(204).end();
    });
    router.post(CONTROL + "down").handler(ctx -> {
      String seconds = ctx.queryParams().get("seconds");
      long outage;
      try {
        outage = Long.parseLong(seconds == null ? "" : seconds.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("?seconds=N is required: how long the outage lasts");
      }
      if (outage < 1 || outage > 86_400) {
        throw new IllegalArgumentException("seconds must be 1..86400, not " + outage);
      }
      // the answer goes out before the port closes, so the caller learns when it comes back
      Responses.json(ctx, 202, new JsonObject().put("down_for_seconds", outage).put("port", port))
          .onComplete(sent -> down().onComplete(closed -> vertx.setTimer(outage * 1000, timer -> up())));
    });
    router.post(CONTROL + "reset").handler(ctx -> {
      reset();
      ctx.response().setStatusCode(204).end();
    });
  }
}
