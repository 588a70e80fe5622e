package mraos;

import io.vertx.core.json.JsonObject;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Runs one MRAOS node: {@code java -jar target/mraos.jar [--config file.yaml]}. Settings come from conf/mraos.yaml,
 * the optional file and MRAOS_* environment variables; empty connection settings start the embedded services.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("Usage: java -jar target/mraos.jar [--config <file.yaml>]\n"
          + "Every setting of conf/mraos.yaml can also be set by an environment variable, e.g. MRAOS_HTTP_PORT=9090.");
      return;
    }
    Node node;
    try {
      Map<String, String> env = System.getenv();
      JsonObject json = ConfigLoader.load(ConfigLoader.overridesFile(args, env), env);
      node = Node.start(MraosConfig.from(json));
    } catch (Exception e) {
      LOG.error("MRAOS could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "mraos-shutdown"));
  }
}
