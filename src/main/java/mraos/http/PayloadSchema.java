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
import java.time.Instant;
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
 * full list of errors is only worked out for an invalid one. Rules MRAOS adds to every schema: a {@code date-time}
 * must carry an offset, be a real instant (what {@link OffsetDateTime#parse} reads; {@link Timestamps} reads the
 * common forms faster) and lie from {@link #EARLIEST} to before {@link #LATEST}; and no string or key may hold a control
 * character other than tab, line feed and carriage return, nor an unpaired surrogate ({@link PlainText}).
 */
public final class PayloadSchema {

  /** The times a plant's message may carry: from 2000 to the end of 2099 (a year 999999 is a typo, not a plan). */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
  static final String DATE_TIME_MESSAGE = "String does not match format \"date-time\" (an offset such as Z or +01:00 is"
      + " required, and a time from " + EARLIEST + " to before " + LATEST + ")";

  /** RFC 3339 date-times carry an offset; the date and time must exist (no 30 February, no hour 25, a 'T'). */
  private static final Format DATE_TIME = new Format() {
    @Override
    public String getName() {
      return "date-time";
    }

    @Override
    public boolean matches(ExecutionContext executionContext, SchemaContext schemaContext, String value) {
      try {
        return inBounds(Timestamps.parse(value));
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

  /** Whether a time lies within the bounds every date-time MRAOS takes must respect. */
  public static boolean inBounds(Instant time) {
    return !time.isBefore(EARLIEST) && time.isBefore(LATEST);
  }

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
    List<String[]> badText = new ArrayList<>(0);
    if (hasBadText(instance)) {
      findBadText(instance, "", badText);
    }
    JsonArray violations = new JsonArray();
    if (badText.isEmpty() && schema.validate(instance, OutputFormat.BOOLEAN, ctx -> ctx.executionConfig(c -> c.failFast(true)))) {
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
    badText.forEach(bad -> add(violations, seen, bad[0], bad[1]));
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

  /** Whether any string or key in the tree breaks {@link PlainText} (almost never: then {@link #findBadText} names where). */
  private static boolean hasBadText(JsonNode node) {
    if (node.isTextual()) {
      return PlainText.problem(node.textValue()) != null;
    }
    if (node.isObject()) {
      for (var fields = node.fields(); fields.hasNext(); ) {
        var field = fields.next();
        if (PlainText.problem(field.getKey()) != null || hasBadText(field.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        if (hasBadText(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {pointer, message} of every string (or key) that breaks {@link PlainText}. */
  private static void findBadText(JsonNode node, String pointer, List<String[]> found) {
    if (node.isTextual()) {
      String problem = PlainText.problem(node.textValue());
      if (problem != null) {
        found.add(new String[] {pointer, "String " + problem});
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        String at = pointer + "/" + escape(e.getKey());
        String problem = PlainText.problem(e.getKey());
        if (problem != null) {
          found.add(new String[] {at, "Key " + problem});
        }
        findBadText(e.getValue(), at, found);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        findBadText(node.get(i), pointer + "/" + i, found);
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
