package verticles.gateway;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What a person reads without a token: the landing page ({@code /}) and the API browser ({@code /api-docs/}), Swagger UI
 * over the node's own {@code /openapi.yaml}. Swagger UI's files come from its webjar on the class path, never from a
 * CDN: the plant may be offline. Only the page and its initializer are ours ({@code webroot/api-docs/}).
 */
final class ApiDocs {

  static final String PATH = "/api-docs/";
  /** Where the webjar keeps its files, and where it says which version it is. */
  static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
  /**
   * Swagger UI sets inline styles and draws some icons as data: images; everything else comes from this node. No
   * validator badge: the initializer turns it off (it would call swagger.io).
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

  private ApiDocs() {
  }

  static void mount(Router router) {
    router.get("/").handler(ctx -> page(ctx, "webroot/index.html"));
    // Vert.x matches a route with or without its trailing slash: only the bare path is sent to the page
    router.get("/api-docs").handler(ctx -> {
      if (ctx.request().path().equals("/api-docs")) {
        ctx.redirect(PATH);
      } else {
        ctx.next();
      }
    });
    router.get(PATH + "*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    router.get(PATH).handler(ctx -> page(ctx, "webroot/api-docs/index.html"));
    router.get(PATH + "swagger-initializer.js").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/javascript; charset=utf-8").putHeader("Cache-Control", "no-cache")
        .sendFile("webroot/api-docs/swagger-initializer.js"));
    router.get(PATH + "*").handler(StaticHandler.create(WEBJAR + webjarVersion()));
  }

  private static void page(RoutingContext ctx, String file) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY).putHeader("X-Content-Type-Options", "nosniff")
        .sendFile(file);
  }

  /** The Swagger UI version on the class path (its folder in the webjar is named after it). */
  static String webjarVersion() {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("Swagger UI's webjar (org.webjars:swagger-ui) is not on the class path");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
