package mraos.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonFormatValidator;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON Schema (draft 7) kept beside its area as a resource, and the list of fields a payload gets wrong:
 * {@code [{"field":"work_order.quantity_ordered","pointer":"/work_order/quantity_ordered","message":"..."}]}.
 */
public final class PayloadSchema {

  private static final Pattern SUMMARY = Pattern.compile("Property \".*\" does not match schema|Items did not match schema");
  private static final Pattern REQUIRED = Pattern.compile("Instance does not have required property \"(.*)\"");

  /** RFC 3339 date-times carry an offset (the built-in check lets "2025-11-18T14:23:45" through); PostgreSQL stores no U+0000. */
  private static final JsonFormatValidator STRICTER = (type, format, instance) -> {
    if (!(instance instanceof String s)) {
      return null;
    }
    if (s.indexOf('\u0000') >= 0) {
      return "String must not contain the character U+0000";
    }
    if ("date-time".equals(format)) {
      try {
        OffsetDateTime.parse(s);
      } catch (DateTimeParseException e) {
        return "String does not match format \"date-time\" (an offset such as Z or +01:00 is required)";
      }
    }
    return null;
  };

  private final Validator validator;

  private PayloadSchema(Validator validator) {
    this.validator = validator;
  }

  public static PayloadSchema fromResource(String resource) {
    try (InputStream in = PayloadSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema " + resource + " is missing from the classpath");
      }
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new PayloadSchema(Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
          .setDraft(Draft.DRAFT7)
          .setBaseUri("https://mraos.plant/schemas/")
          .setOutputFormat(OutputFormat.Basic), STRICTER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Empty when the payload is valid; otherwise one entry per offending field. */
  public JsonArray violations(Object payload) {
    OutputUnit result = validator.validate(payload);
    JsonArray violations = new JsonArray();
    if (Boolean.TRUE.equals(result.getValid())) {
      return violations;
    }
    Set<String> seen = new LinkedHashSet<>();
    if (result.getErrors() == null || result.getErrors().isEmpty()) {
      add(violations, seen, result);
    } else {
      result.getErrors().forEach(unit -> add(violations, seen, unit));
    }
    return violations;
  }

  private static void add(JsonArray violations, Set<String> seen, OutputUnit unit) {
    String pointer = pointer(unit.getInstanceLocation());
    String message = unit.getError();
    if (message == null || SUMMARY.matcher(message).matches()) {
      return; // "Property x does not match schema" only repeats the specific errors beside it
    }
    Matcher required = REQUIRED.matcher(message);
    if (required.matches()) {
      pointer = pointer + "/" + required.group(1);
      message = "is required";
    }
    if (!seen.add(pointer + "|" + message)) {
      return;
    }
    violations.add(new JsonObject()
        .put("field", pointer.isEmpty() ? "(payload)" : pointer.substring(1).replace('/', '.'))
        .put("pointer", pointer)
        .put("message", message));
  }

  private static String pointer(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    return instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
  }
}
