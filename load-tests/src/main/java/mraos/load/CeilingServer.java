package mraos.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The ceiling: a trivial Vert.x 5 route on the node's own HTTP stack. One verticle instance per core (as the MRAOS
 * gateway deploys), the same server options (compression supported) and the same body handling (BodyHandler with a
 * limit), then a fixed small JSON and 200 for any POST. No token check, no JSON parsing.
 *
 * <p>With a database mode it also keeps every body, durably, before answering: the least any intake that never loses a
 * message must do. It starts the node's own embedded PostgreSQL (same binaries, fsync, synchronous commits and full page
 * writes on; data in a temporary directory, removed at exit) and a pool of 16 connections, and stores each body as
 * one {@code jsonb} row:
 * <ul>
 *   <li>{@code insert}: one statement and one commit per request;</li>
 *   <li>{@code batch}: as the node's intake batches (one statement in flight per verticle instance, the bodies that
 *   arrived meanwhile go in the next one, up to 64).</li>
 * </ul>
 *
 * <pre>
 *   java -cp load-tests/target/classes:target/mraos.jar:target/lib/* mraos.load.CeilingServer [port=18090] [instances=cores]
 *        [database=none|insert|batch] [postgres-port=15434]
 * </pre>
 * run-ceiling.sh starts it that way: compiled here, run on the root project's runtime classpath (its Vert.x 5.0.7 and
 * Netty 4.2.9, exactly what the node runs on).
 */
public final class CeilingServer extends VerticleBase {

  private static final Buffer ANSWER = Buffer.buffer(
      "{\"status\":\"success\",\"mraos_work_order_id\":\"WO-1\",\"message\":\"Work order created successfully\"}");
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS ceiling_intake "
      + "(id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), body jsonb NOT NULL)";
  private static final String INSERT_ONE = "INSERT INTO ceiling_intake (body) VALUES ($1::jsonb)";
  private static final String INSERT_MANY = "INSERT INTO ceiling_intake (body) SELECT b::jsonb FROM unnest($1::text[]) AS b";
  private static final int BATCH_SIZE = 64;

  enum Database { NONE, INSERT, BATCH }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18090;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Database database = args.length > 2 ? Database.valueOf(args[2].toUpperCase(Locale.ROOT)) : Database.NONE;
    int postgresPort = args.length > 3 ? Integer.parseInt(args[3]) : 15434;
    AutoCloseable postgres = null;
    Path dataDir = null;
    JsonObject config = new JsonObject().put("port", port).put("database", database.name());
    if (database != Database.NONE) {
      dataDir = Files.createTempDirectory("mraos-ceiling-pg");
      postgres = startNodesPostgres(dataDir, postgresPort);
      config.put("postgres-port", postgresPort);
    }
    Vertx vertx = Vertx.vertx();
    if (database != Database.NONE) {
      Pool setup = pool(vertx, config);
      setup.query(TABLE).execute().await(60, TimeUnit.SECONDS);
      setup.close().await();
    }
    vertx.deployVerticle(CeilingServer.class, new DeploymentOptions().setInstances(instances).setConfig(config))
        .await(60, TimeUnit.SECONDS);
    System.out.println("Ceiling server listening on port " + port + " (" + instances + " verticle instance(s), database: "
        + database.name().toLowerCase(Locale.ROOT) + ")");
    AutoCloseable started = postgres;
    Path startedIn = dataDir;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      if (started != null) {
        try {
          started.close();
          removeDirectory(startedIn);
        } catch (Exception e) {
          System.err.println("Stopping the ceiling's PostgreSQL or removing " + startedIn + ": " + e);
        }
      }
    }, "ceiling-shutdown"));
  }

  /**
   * The node's own {@code mraos.embedded.EmbeddedDatabase}, durable ({@code start(dir, port, user, password, fresh,
   * durable)}), found on the runtime classpath (run-ceiling.sh puts target/mraos.jar there). Looked up by name: compiling
   * against the node's jar would put it, and its logback.xml, on Gatling's classpath too.
   */
  private static AutoCloseable startNodesPostgres(Path dataDir, int port) throws Exception {
    Class<?> embedded = Class.forName("mraos.embedded.EmbeddedDatabase");
    return (AutoCloseable) embedded.getMethod("start", Path.class, int.class, String.class, String.class, boolean.class,
        boolean.class).invoke(null, dataDir, port, "mraos", "mraos", true, true);
  }

  /** PostgreSQL may still be removing its pid file as it exits: walk again until the directory is gone. */
  private static void removeDirectory(Path dir) throws Exception {
    for (int attempt = 1; Files.exists(dir); attempt++) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (java.io.UncheckedIOException e) {
        if (attempt == 10) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** The node's pool shape: shared by the verticle instances, 16 connections, prepared statements cached. */
  private static Pool pool(Vertx vertx, JsonObject config) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(16).setShared(true).setName("ceiling"))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(config.getInteger("postgres-port"))
            .setDatabase("mraos").setUser("mraos").setPassword("mraos")
            .setPipeliningLimit(256).setCachePreparedStatements(true))
        .using(vertx)
        .build();
  }

  private Pool pool;
  private final ArrayDeque<RoutingContext> waiting = new ArrayDeque<>();
  private boolean statementRunning;

  @Override
  public Future<?> start() {
    Database database = Database.valueOf(config().getString("database", Database.NONE.name()));
    Router router = Router.router(vertx);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(1_048_576));
    switch (database) {
      case NONE -> router.post().handler(CeilingServer::answer);
      case INSERT -> {
        pool = pool(vertx, config());
        router.post().handler(ctx -> pool.preparedQuery(INSERT_ONE).execute(Tuple.of(ctx.body().asString()))
            .onSuccess(rows -> answer(ctx))
            .onFailure(ctx::fail));
      }
      case BATCH -> {
        pool = pool(vertx, config());
        router.post().handler(ctx -> {
          waiting.add(ctx);
          drain();
        });
      }
    }
    router.get("/health/ready").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end("{\"status\":\"UP\"}"));
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost("0.0.0.0")
            .setPort(config().getInteger("port", 18090))
            .setCompressionSupported(true))
        .requestHandler(router)
        .listen();
  }

  /** One statement in flight: whatever arrived while it ran goes in the next, as the node's intake batches do. */
  private void drain() {
    if (statementRunning || waiting.isEmpty()) {
      return;
    }
    List<RoutingContext> batch = new ArrayList<>(Math.min(waiting.size(), BATCH_SIZE));
    while (!waiting.isEmpty() && batch.size() < BATCH_SIZE) {
      batch.add(waiting.poll());
    }
    String[] bodies = batch.stream().map(ctx -> ctx.body().asString()).toArray(String[]::new);
    statementRunning = true;
    pool.preparedQuery(INSERT_MANY).execute(Tuple.tuple().addArrayOfString(bodies)).onComplete(ar -> {
      statementRunning = false;
      for (RoutingContext ctx : batch) {
        if (ar.succeeded()) {
          answer(ctx);
        } else {
          ctx.fail(ar.cause());
        }
      }
      drain();
    });
  }

  private static void answer(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(ANSWER);
  }
}
