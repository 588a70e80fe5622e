package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
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
  private final Router router;
  protected final Clock clock = Clock.systemUTC();
  private final Recordings recordings = new Recordings();
  private final FaultScript faults = new FaultScript();
  private final AccessCheck access;

  private volatile HttpServer server;
  private volatile int port = -1;
  /** Start, down, up and stop run one after another, whichever threads ask for them. */
  private Future<Void> lifecycle = Future.succeededFuture();

  protected SystemSimulator(Vertx vertx, String name, Access access) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.name = Objects.requireNonNull(name, "name");
    this.access = new AccessCheck(access, name);
    router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
    router.route().handler(new Reception(vertx, name, clock, recordings, faults, this.access));
    router.route().failureHandler(this::failed);
    router.errorHandler(404, this::failed).errorHandler(405, this::failed);
    ControlRoutes.mount(router, vertx, this, faults);
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
    return recordings.all();
  }

  /** The requests received for exactly this path (no query string), oldest first. */
  public List<ReceivedRequest> received(String path) {
    return recordings.of(path);
  }

  /** From now on only the latest {@code limit} requests are kept (by default all of them). */
  public void keepLatest(int limit) {
    recordings.keepLatest(limit);
  }

  /** Forgets the requests received so far. */
  public void clear() {
    recordings.clear();
  }

  // ---- faults

  /** Adds faults for this exact path; each is used by one request, in order, before the route answers. */
  public void fault(String path, Fault... scripted) {
    faults.add(path, scripted);
  }

  /** Faults scripted for this path that no request has used yet. */
  public List<Fault> pendingFaults(String path) {
    return faults.pending(path);
  }

  public void clearFaults() {
    faults.clear();
  }

  // ---- access

  /** With bearer access, answer 401 (invalid_token) to tokens this predicate matches, e.g. one the test wants "expired". */
  public void refuseTokens(Predicate<String> refused) {
    access.refuseTokens(refused);
  }

  /** Accept every bearer token again. */
  public void acceptAllTokens() {
    access.acceptAllTokens();
  }

  /** Forgets requests received and faults, accepts all tokens again; subclasses also drop their system's data. */
  public void reset() {
    clear();
    clearFaults();
    acceptAllTokens();
  }

  private void failed(RoutingContext ctx) {
    Answers.failed(ctx, name);
  }
}
