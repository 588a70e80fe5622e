package mraos.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.format.Format;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import mraos.time.Timestamps;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema (draft 7) kept beside its area as a resource, and the list of fields a payload gets wrong:
 * {@code [{"field":"work_order.quantity_ordered","pointer":"/work_order/quantity_ordered","message":"..."}]}.
 * <p>
 * The schema file is the contract; it is compiled once by networknt's json-schema-validator (a few µs per payload,
 * against a few hundred for vertx-json-schema, see docs/benchmarks.md). A valid payload costs one fail-fast pass; the
 * full list of errors is only worked out for an invalid one. Two rules MRAOS adds to every schema: a {@code date-time}
 * must carry an offset and be a real instant (what {@link OffsetDateTime#parse} reads; {@link Timestamps} reads the
 * common forms faster), and no string may hold U+0000 (PostgreSQL stores it neither in text nor in jsonb).
 */
public final class PayloadSchema {

  static final String DATE_TIME_MESSAGE =
      "String does not match format \"date-time\" (an offset such as Z or +01:00 is required)";
  static final String NUL_MESSAGE = "String must not contain the character U+0000";

  /** RFC 3339 date-times carry an offset; the date and time must exist (no 30 February, no hour 25, a 'T'). */
  private static final Format DATE_TIME = new Format() {
    @Override
    public String getName() {
      return "date-time";
    }

    @Override
    public boolean matches(ExecutionContext executionContext, SchemaContext schemaContext, String value) {
      try {
        Timestamps.parse(value);
        return true;
      } catch (DateTimeException e) {
        return false;
      }
    }
  };

  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
      Dialect.builder(Dialects.getDraft7()).format(DATE_TIME).build(),
      builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Schema schema;

  private PayloadSchema(Schema schema) {
    this.schema = schema;
  }

  public static PayloadSchema fromResource(String resource) {
    try (InputStream in = PayloadSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema " + resource + " is missing from the classpath");
      }
      Schema schema = REGISTRY.getSchema(MAPPER.readTree(in));
      schema.initializeValidators(); // compile everything now, not on the first request
      return new PayloadSchema(schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Empty when the payload is valid; otherwise one entry per offending field. */
  public JsonArray violations(Object payload) {
    JsonNode instance = toNode(payload);
    List<String> nuls = new ArrayList<>(0);
    if (hasNul(instance)) {
      findNul(instance, "", nuls);
    }
    JsonArray violations = new JsonArray();
    if (nuls.isEmpty() && schema.validate(instance, OutputFormat.BOOLEAN, ctx -> ctx.executionConfig(c -> c.failFast(true)))) {
      return violations;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Error error : schema.validate(instance)) {
      String pointer = String.valueOf(error.getInstanceLocation());
      String message = error.getMessage();
      if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
        pointer = (pointer.equals("/") ? "" : pointer) + "/" + escape(error.getProperty());
        message = "is required";
      } else if ("format".equals(error.getKeyword()) && message != null && message.contains("date-time")) {
        message = DATE_TIME_MESSAGE;
      }
      add(violations, seen, pointer, message);
    }
    nuls.forEach(pointer -> add(violations, seen, pointer, NUL_MESSAGE));
    return violations;
  }

  private static void add(JsonArray violations, Set<String> seen, String pointer, String message) {
    if (pointer.equals("/")) {
      pointer = "";
    }
    if (message == null || message.isBlank() || !seen.add(pointer + "|" + message)) {
      return;
    }
    violations.add(new JsonObject()
        .put("field", pointer.isEmpty() ? "(payload)" : pointer.substring(1).replace('/', '.'))
        .put("pointer", pointer)
        .put("message", message));
  }

  private static String escape(String property) {
    return property.replace("~", "~0").replace("/", "~1");
  }

  /** Whether any string in the tree holds U+0000 (almost never: then {@link #findNul} names where). */
  private static boolean hasNul(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\u0000') >= 0;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasNul(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void findNul(JsonNode node, String pointer, List<String> found) {
    if (node.isTextual()) {
      if (node.textValue().indexOf('\u0000') >= 0) {
        found.add(pointer);
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> findNul(e.getValue(), pointer + "/" + escape(e.getKey()), found));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        findNul(node.get(i), pointer + "/" + i, found);
      }
    }
  }

  /** Vert.x's JSON values as Jackson's tree, without printing and parsing them again. */
  static JsonNode toNode(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof JsonObject object) {
      return objectNode(object.getMap());
    }
    if (value instanceof Map<?, ?> map) {
      return objectNode(map);
    }
    if (value instanceof JsonArray array) {
      return arrayNode(array.getList());
    }
    if (value instanceof List<?> list) {
      return arrayNode(list);
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (value instanceof Float f) {
      return NODES.numberNode(f);
    }
    if (value instanceof BigDecimal d) {
      return NODES.numberNode(d);
    }
    if (value instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Short s) {
      return NODES.numberNode(s);
    }
    if (value instanceof Byte b) {
      return NODES.numberNode(b);
    }
    return MAPPER.valueToTree(value);
  }

  private static ObjectNode objectNode(Map<?, ?> map) {
    ObjectNode node = NODES.objectNode();
    map.forEach((k, v) -> node.set(String.valueOf(k), toNode(v)));
    return node;
  }

  private static ArrayNode arrayNode(List<?> list) {
    ArrayNode node = NODES.arrayNode(list.size());
    list.forEach(v -> node.add(toNode(v)));
    return node;
  }
}
