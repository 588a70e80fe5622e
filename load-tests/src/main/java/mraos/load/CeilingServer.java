package mraos.load;

import io.vertx.core.Context;
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
import io.vertx.sqlclient.data.Numeric;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 *   <li>{@code spec}: batched as the node's intake (one statement in flight for the whole server), but what MRAOS itself writes for an order, with the node's own statements
 *   (read from its classes) on the node's own schema (its Flyway migrations): the order with its two BOM lines and its
 *   outbox event in one statement ({@code IntakeBatches.CREATE}), after the answer the audit row with both payloads
 *   ({@code AuditLog.INSERT_MANY}, one statement in flight per instance), and the outbox relay's deletes
 *   ({@code Outbox.TAKE}, every 20 ms, without Kafka). The order's fields are the load test's, its ERP id the
 *   server's own counter: the request is not parsed, its token not checked.</li>
 * </ul>
 *
 * <pre>
 *   java -cp load-tests/target/classes:target/mraos.jar:target/lib/* mraos.load.CeilingServer [port=18090] [instances=cores]
 *        [database=none|insert|batch|spec] [postgres-port=15434]
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

  enum Database { NONE, INSERT, BATCH, SPEC }

  /** Spec mode: the ERP ids of this run (unique across runs against one database), the relay started once per process. */
  private static final String RUN_ID = "CEIL" + Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
  private static final AtomicLong ORDERS = new AtomicLong();
  private static final AtomicBoolean RELAY_STARTED = new AtomicBoolean();
  private static final String MATERIALS = """
      WITH m AS (
        INSERT INTO materials (material_id, part_number, part_name)
        VALUES ('LOAD-MAT-A', 'A-1234', 'Door Panel'), ('LOAD-MAT-B', 'B-5678', 'Hinge Assembly')
        ON CONFLICT (material_id) DO NOTHING)
      INSERT INTO material_stock (material_id, on_hand_quantity)
      VALUES ('LOAD-MAT-A', 1000000), ('LOAD-MAT-B', 1000000)
      ON CONFLICT (material_id) DO NOTHING""";

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
    if (database == Database.SPEC) {
      migrateWithNodesFlyway(postgresPort);
      Pool setup = pool(vertx, config);
      setup.query(MATERIALS).execute().await(60, TimeUnit.SECONDS);
      setup.close().await();
    } else if (database != Database.NONE) {
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

  /** The node's schema, by its own Flyway migrations (Flyway and they are on the runtime classpath, as the node's jar). */
  private static void migrateWithNodesFlyway(int port) throws Exception {
    Class<?> flyway = Class.forName("org.flywaydb.core.Flyway");
    Object configuration = flyway.getMethod("configure").invoke(null);
    configuration = configuration.getClass().getMethod("dataSource", String.class, String.class, String.class)
        .invoke(configuration, "jdbc:postgresql://127.0.0.1:" + port + "/mraos", "mraos", "mraos");
    configuration = configuration.getClass().getMethod("locations", String[].class)
        .invoke(configuration, (Object) new String[] {"classpath:db/migration"});
    Object loaded = configuration.getClass().getMethod("load").invoke(configuration);
    loaded.getClass().getMethod("migrate").invoke(loaded);
  }

  /** A statement the node runs, read from its class (package-private constants of the node's jar). */
  private static String nodesStatement(String className, String field) {
    try {
      Field f = Class.forName(className).getDeclaredField(field);
      f.setAccessible(true);
      return (String) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("The node's " + className + "." + field + " is not on the classpath", e);
    }
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
        .connectingTo(connectOptions(config))
        .using(vertx)
        .build();
  }

  /**
   * Spec mode's pool for the intake statement, as the node's {@code Database.batchPool}: its own connections, each
   * planning the statement once ({@code plan_cache_mode = force_generic_plan}).
   */
  private static Pool batchPool(Vertx vertx, JsonObject config) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4).setShared(true).setName("ceiling-batches"))
        .connectingTo(connectOptions(config).addProperty("plan_cache_mode", "force_generic_plan"))
        .using(vertx)
        .build();
  }

  /** As the node's: long statements (the intake's, 3 KB) are cached too, not parsed and planned at every execution. */
  private static PgConnectOptions connectOptions(JsonObject config) {
    return new PgConnectOptions().setHost("127.0.0.1").setPort(config.getInteger("postgres-port"))
        .setDatabase("mraos").setUser("mraos").setPassword("mraos")
        .setPipeliningLimit(256).setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(65_536);
  }

  private Pool pool;
  /** Spec mode: the intake statement's pool (the node's batch pool). */
  private Pool intakePool;
  private final ArrayDeque<RoutingContext> waiting = new ArrayDeque<>();
  private boolean statementRunning;
  private String create;
  private String auditInsert;
  private String relayTake;
  private final List<Object[]> auditWaiting = new ArrayList<>();
  private boolean auditRunning;

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
      case BATCH, SPEC -> {
        pool = pool(vertx, config());
        if (database == Database.SPEC) {
          intakePool = batchPool(vertx, config());
          create = nodesStatement("verticles.workorders.IntakeBatches", "CREATE");
          auditInsert = nodesStatement("mraos.audit.AuditLog", "INSERT_MANY");
          relayTake = nodesStatement("mraos.events.Outbox", "TAKE");
          if (RELAY_STARTED.compareAndSet(false, true)) {
            relay();
          }
        }
        router.post().handler(database == Database.SPEC ? this::queueOrder : ctx -> {
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

  /** Spec mode: a request waiting for the node-wide statement, with its verticle instance (to answer and audit on). */
  private record Order(CeilingServer instance, Context context, RoutingContext ctx, String body) {
  }

  /** Spec mode batches node-wide, as the node's {@code IntakeBatches.of}: one statement in flight for all instances. */
  private static final ArrayDeque<Order> ORDERS_WAITING = new ArrayDeque<>();
  private static boolean ordersStatementRunning;

  private void queueOrder(RoutingContext ctx) {
    List<Order> batch;
    synchronized (ORDERS_WAITING) {
      ORDERS_WAITING.add(new Order(this, vertx.getOrCreateContext(), ctx, ctx.body().asString()));
      batch = nextOrders();
    }
    runOrders(batch);
  }

  /** The next statement's orders, if none runs now (callers hold the lock). */
  private static List<Order> nextOrders() {
    if (ordersStatementRunning || ORDERS_WAITING.isEmpty()) {
      return null;
    }
    List<Order> batch = new ArrayList<>(Math.min(ORDERS_WAITING.size(), BATCH_SIZE));
    while (!ORDERS_WAITING.isEmpty() && batch.size() < BATCH_SIZE) {
      batch.add(ORDERS_WAITING.poll());
    }
    ordersStatementRunning = true;
    return batch;
  }

  private static void runOrders(List<Order> batch) {
    if (batch == null) {
      return;
    }
    String[] bodies = batch.stream().map(Order::body).toArray(String[]::new);
    long started = System.nanoTime();
    CeilingServer first = batch.get(0).instance();
    first.intakePool.preparedQuery(first.create).execute(orders(bodies)).onComplete(ar -> {
      long processingMs = (System.nanoTime() - started) / 1_000_000;
      for (Order o : batch) {
        o.context().runOnContext(v -> {
          if (ar.succeeded()) {
            answer(o.ctx());
            o.instance().audit(o.body(), o.ctx(), processingMs);
          } else {
            o.ctx().fail(ar.cause());
          }
        });
      }
      List<Order> next;
      synchronized (ORDERS_WAITING) {
        ordersStatementRunning = false;
        next = nextOrders();
      }
      runOrders(next);
    });
  }

  /**
   * {@code IntakeBatches.CREATE}'s parameters for these orders: the load test's order (two BOM lines), a new ERP id
   * each, the request body as the outbox event's JSON.
   */
  private static Tuple orders(String[] bodies) {
    int size = bodies.length;
    Integer[] n = new Integer[size];
    String[] erpId = new String[size];
    String[] number = new String[size];
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime due = OffsetDateTime.of(2025, 11, 18, 14, 30, 0, 0, ZoneOffset.UTC);
    Integer[] bomOrder = new Integer[size * 2];
    Integer[] lineNo = new Integer[size * 2];
    String[] material = new String[size * 2];
    String[] partNumber = new String[size * 2];
    String[] partName = new String[size * 2];
    Numeric[] required = new Numeric[size * 2];
    for (int i = 0; i < size; i++) {
      long order = ORDERS.incrementAndGet();
      n[i] = i;
      erpId[i] = RUN_ID + "-" + order;
      number[i] = String.valueOf(order);
      for (int l = 0; l < 2; l++) {
        int b = 2 * i + l;
        bomOrder[b] = i;
        lineNo[b] = l + 1;
        material[b] = l == 0 ? "LOAD-MAT-A" : "LOAD-MAT-B";
        partNumber[b] = l == 0 ? "A-1234" : "B-5678";
        partName[b] = l == 0 ? "Door Panel" : "Hinge Assembly";
        required[b] = Numeric.create(l == 0 ? 400 : 200);
      }
    }
    return Tuple.from(new Object[] {
        n, erpId, number, same(size, "PROD-WD-100"), same(size, "Washer Door Assembly"), same(size, "Standard - White"),
        sameNumeric(size, 200), same(size, "EA"), same(size, "high"), sameTime(size, due), same(size, "CO-12345"),
        same(size, "Line 2"), same(size, "Quality inspection required before packaging"), sameTime(size, now), bodies,
        bomOrder, lineNo, material, partNumber, partName, required, same(size * 2, "EA"), sameTime(size, now),
        "work-orders"});
  }

  private static String[] same(int size, String value) {
    String[] values = new String[size];
    java.util.Arrays.fill(values, value);
    return values;
  }

  private static Numeric[] sameNumeric(int size, int value) {
    Numeric[] values = new Numeric[size];
    java.util.Arrays.fill(values, Numeric.create(value));
    return values;
  }

  private static OffsetDateTime[] sameTime(int size, OffsetDateTime value) {
    OffsetDateTime[] values = new OffsetDateTime[size];
    java.util.Arrays.fill(values, value);
    return values;
  }

  /** The request's audit row (both payloads), written after the answer as the node's audit log does. */
  private void audit(String body, RoutingContext ctx, long processingMs) {
    auditWaiting.add(new Object[] {
        OffsetDateTime.now(ZoneOffset.UTC), "erp_work_order_inbound", "inbound", "ERP", body, ANSWER.toString(), 200,
        (int) processingMs, true, null, "erp-connector", Long.toHexString(ThreadLocalRandom.current().nextLong()),
        "POST", ctx.request().path(), "ceiling"});
    if (auditWaiting.size() >= AUDIT_BATCH_SIZE) {
      flushAudit();
    } else if (auditTimer < 0 && !auditRunning) {
      auditTimer = vertx.setTimer(AUDIT_FLUSH_INTERVAL_MS, id -> {
        auditTimer = -1;
        flushAudit();
      });
    }
  }

  /** The node's defaults (conf/mraos.yaml, audit.*). */
  private static final int AUDIT_BATCH_SIZE = 256;
  private static final long AUDIT_FLUSH_INTERVAL_MS = 50;
  private long auditTimer = -1;

  private static final Class<?>[] AUDIT_COLUMNS = {
      OffsetDateTime.class, String.class, String.class, String.class, String.class, String.class, Integer.class,
      Integer.class, Boolean.class, String.class, String.class, String.class, String.class, String.class, String.class};

  private void flushAudit() {
    if (auditTimer >= 0) {
      vertx.cancelTimer(auditTimer);
      auditTimer = -1;
    }
    if (auditRunning || auditWaiting.isEmpty()) {
      return;
    }
    Object[] columns = new Object[AUDIT_COLUMNS.length];
    for (int c = 0; c < columns.length; c++) {
      Object[] column = (Object[]) java.lang.reflect.Array.newInstance(AUDIT_COLUMNS[c], auditWaiting.size());
      for (int r = 0; r < column.length; r++) {
        column[r] = auditWaiting.get(r)[c];
      }
      columns[c] = column;
    }
    auditWaiting.clear();
    auditRunning = true;
    pool.preparedQuery(auditInsert).execute(Tuple.from(columns)).onComplete(ar -> {
      auditRunning = false;
      if (ar.failed()) {
        System.err.println("Audit rows not written: " + ar.cause());
      }
      if (auditWaiting.size() >= AUDIT_BATCH_SIZE) {
        flushAudit();
      } else if (!auditWaiting.isEmpty() && auditTimer < 0) {
        auditTimer = vertx.setTimer(AUDIT_FLUSH_INTERVAL_MS, id -> {
          auditTimer = -1;
          flushAudit();
        });
      }
    });
  }

  /** The outbox relay's database side: deletes the oldest events, 500 a round, every 20 ms while the outbox is not empty. */
  private void relay() {
    pool.preparedQuery(relayTake).execute(Tuple.of(0x4D52414F534F4258L, 500)).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("Relay round failed: " + ar.cause());
      }
      boolean full = ar.succeeded() && ar.result().rowCount() == 500;
      vertx.setTimer(full ? 1 : 20, id -> relay());
    });
  }

  private static void answer(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(ANSWER);
  }
}
