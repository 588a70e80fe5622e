package mraos.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/** Typed, validated reads from one section of the configuration; errors name the full key. */
public final class Settings {

  private final JsonObject section;
  private final String path;

  public Settings(JsonObject section, String path) {
    this.section = Objects.requireNonNull(section, path);
    this.path = path;
  }

  public static Settings of(JsonObject root) {
    return new Settings(root, "");
  }

  public Settings section(String key) {
    Object value = section.getValue(key);
    if (!(value instanceof JsonObject child)) {
      throw invalid(key, "a section");
    }
    return new Settings(child, name(key));
  }

  public JsonObject json() {
    return section;
  }

  public String string(String key) {
    Object value = section.getValue(key);
    if (value == null) {
      return "";
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw invalid(key, "text");
  }

  public int integer(String key, int min, int max) {
    Object value = section.getValue(key);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw invalid(key, "a whole number");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new IllegalArgumentException("Configuration " + name(key) + "=" + v + " must lie between " + min + " and " + max);
    }
    return (int) v;
  }

  public boolean bool(String key) {
    Object value = section.getValue(key);
    if (!(value instanceof Boolean b)) {
      throw invalid(key, "true or false");
    }
    return b;
  }

  public List<String> strings(String key) {
    Object value = section.getValue(key);
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    if (value instanceof String text) {
      return List.of(text.split("[,\\s]+")).stream().filter(s -> !s.isEmpty()).toList();
    }
    throw invalid(key, "a list");
  }

  private String name(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private IllegalArgumentException invalid(String key, String expected) {
    return new IllegalArgumentException("Configuration " + name(key) + " must be " + expected + " (found "
        + section.getValue(key) + "); set it in conf/mraos.yaml or " + ConfigLoader.envName(name(key)));
  }
}
