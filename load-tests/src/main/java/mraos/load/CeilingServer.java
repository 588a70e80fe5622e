package mraos.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.concurrent.TimeUnit;

/**
 * The ceiling: a trivial Vert.x 5 route on the node's own HTTP stack. One verticle instance per core (as the MRAOS
 * gateway deploys), the same server options (compression supported) and the same body handling (BodyHandler with a
 * limit), then a fixed small JSON and 200 for any POST. No token check, no JSON parsing, no database.
 *
 * <pre>
 *   java -cp load-tests/target/classes:target/lib/* mraos.load.CeilingServer [port=18090] [instances=cores]
 * </pre>
 * run-ceiling.sh starts it that way: compiled here, run on the root project's runtime classpath (its Vert.x 5.0.7 and
 * Netty 4.2.9, exactly what the node runs on).
 */
public final class CeilingServer extends VerticleBase {

  private static final Buffer ANSWER = Buffer.buffer(
      "{\"status\":\"success\",\"mraos_work_order_id\":\"WO-1\",\"message\":\"Work order created successfully\"}");

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18090;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(CeilingServer.class, new DeploymentOptions().setInstances(instances)
            .setConfig(new io.vertx.core.json.JsonObject().put("port", port)))
        .await(60, TimeUnit.SECONDS);
    System.out.println("Ceiling server listening on port " + port + " (" + instances + " verticle instance(s))");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "ceiling-shutdown"));
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(1_048_576));
    router.post().handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(ANSWER));
    router.get("/health/ready").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end("{\"status\":\"UP\"}"));
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost("0.0.0.0")
            .setPort(config().getInteger("port", 18090))
            .setCompressionSupported(true))
        .requestHandler(router)
        .listen();
  }
}
