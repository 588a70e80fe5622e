package mraos.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a node's configuration in three layers: the documented defaults ({@code conf/mraos.yaml}, packaged in the
 * jar), an optional file of overrides, then environment variables ({@code MRAOS_HTTP_PORT} overrides
 * {@code http.port}). Only keys that exist in the defaults can be overridden, so a typo fails loudly.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "conf/mraos.yaml";
  static final String ENV_PREFIX = "MRAOS_";

  private ConfigLoader() {
  }

  /** The defaults, then {@code overridesFile} if given, then the environment. */
  public static JsonObject load(Path overridesFile, Map<String, String> env) {
    JsonObject config = defaults();
    if (overridesFile != null) {
      mergeInto(config, readFile(overridesFile), "");
    }
    applyEnvironment(config, "", env);
    return config;
  }

  /** The file named by {@code --config <file>} or MRAOS_CONFIG; else ./conf/mraos.yaml when it exists; else none. */
  public static Path overridesFile(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length - 1; i++) {
      if ("--config".equals(args[i])) {
        return requireFile(Path.of(args[i + 1]));
      }
    }
    String fromEnv = env.get("MRAOS_CONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return requireFile(Path.of(fromEnv));
    }
    Path local = Path.of("conf", "mraos.yaml");
    return Files.isRegularFile(local) ? local : null;
  }

  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath; the build packages conf/mraos.yaml as it");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Overlays {@code overrides} onto {@code base}; every key of {@code overrides} must exist in {@code base}. */
  public static JsonObject mergeInto(JsonObject base, JsonObject overrides, String path) {
    for (String key : overrides.fieldNames()) {
      String keyPath = path.isEmpty() ? key : path + "." + key;
      Object value = overrides.getValue(key);
      Object existing = base.getValue(key);
      if (!base.containsKey(key) && !isOpenMap(path)) {
        throw new IllegalArgumentException("Unknown configuration key '" + keyPath + "' (see conf/mraos.yaml for the settings there are)");
      }
      if (existing instanceof JsonObject target && value instanceof JsonObject source) {
        mergeInto(target, source, keyPath);
      } else {
        base.put(key, value);
      }
    }
    return base;
  }

  private static boolean isOpenMap(String path) {
    // maps whose keys are names chosen by the operator rather than settings
    return path.equals("security.embedded-issuer.clients") || path.equals("scheduler.jobs")
        || path.equals("mes.opcua.endpoints");
  }

  private static void applyEnvironment(JsonObject node, String path, Map<String, String> env) {
    for (String key : node.fieldNames()) {
      String keyPath = path.isEmpty() ? key : path + "." + key;
      Object value = node.getValue(key);
      if (value instanceof JsonObject child) {
        applyEnvironment(child, keyPath, env);
        continue;
      }
      String override = env.get(envName(keyPath));
      if (override != null) {
        node.put(key, convert(keyPath, value, override));
      }
    }
  }

  /** {@code database.pool-size} becomes {@code MRAOS_DATABASE_POOL_SIZE}. */
  public static String envName(String keyPath) {
    return ENV_PREFIX + keyPath.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static Object convert(String keyPath, Object current, String text) {
    try {
      if (current instanceof Integer || current instanceof Long) {
        return Long.parseLong(text.trim());
      }
      if (current instanceof Number) {
        return Double.parseDouble(text.trim());
      }
      if (current instanceof Boolean) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("true") && !t.equals("false")) {
          throw new IllegalArgumentException("expected true or false");
        }
        return Boolean.parseBoolean(t);
      }
      if (current instanceof JsonArray) {
        JsonArray list = new JsonArray();
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
        return list;
      }
      return text;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Environment variable " + envName(keyPath) + "='" + text + "' is not a valid value for "
          + keyPath + ": " + e.getMessage(), e);
    }
  }

  private static JsonObject readFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read configuration file " + file.toAbsolutePath(), e);
    }
  }

  private static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Configuration file " + file.toAbsolutePath() + " does not exist");
    }
    return file;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject parse(InputStream in) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    if (doc == null) {
      return new JsonObject();
    }
    if (!(doc instanceof Map)) {
      throw new IllegalArgumentException("A configuration file must be a YAML mapping");
    }
    return new JsonObject((Map<String, Object>) doc).copy();
  }
}
