package verticles.lines;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * An MQTT message as the MES sent it: its topic and the payload's bytes, kept as the original of its dead letter
 * ({@code {"topic": ..., "payload": ..., "payload_encoding": ...}}). The payload is stored as the text received when it
 * is valid UTF-8 without NUL (PostgreSQL's jsonb cannot hold U+0000), otherwise base64 ({@code "payload_encoding":
 * "base64"}); a payload too large to apply keeps only its first {@link #KEPT_OF_TOO_LARGE} bytes, marked
 * {@code "payload_truncated": true} with its size in {@code "payload_size"}. Also the checks on the payload as text.
 */
record MesOriginal(String topic, Buffer payload) {

  /** How much of a payload over {@code mqtt.max-message-size} its dead letter keeps. */
  static final int KEPT_OF_TOO_LARGE = 4096;

  static final String UTF8 = "utf-8";
  static final String BASE64 = "base64";

  /** The payload as text, or null when it is not valid UTF-8. */
  String text() {
    return strictUtf8(payload.getBytes());
  }

  /** The whole message. */
  JsonObject toJson() {
    return json(payload.getBytes());
  }

  /** The topic and the first {@link #KEPT_OF_TOO_LARGE} bytes of the payload (cut at a character's boundary). */
  JsonObject truncated() {
    byte[] all = payload.getBytes(0, Math.min(payload.length(), KEPT_OF_TOO_LARGE));
    byte[] kept = all;
    for (int cut = 1; cut <= 3 && strictUtf8(kept) == null && all.length - cut > 0; cut++) {
      kept = java.util.Arrays.copyOf(all, all.length - cut); // a character cut in two at the end is left out whole
    }
    return json(strictUtf8(kept) == null ? all : kept).put("payload_truncated", true).put("payload_size", payload.length());
  }

  /** The payload of a stored original, as bytes again (for an admin's retry). */
  static Buffer payloadOf(JsonObject stored) {
    Object payload = stored.getValue("payload");
    if (payload instanceof String text) {
      return BASE64.equals(stored.getString("payload_encoding")) ? Buffer.buffer(Base64.getDecoder().decode(text))
          : Buffer.buffer(text);
    }
    return payload instanceof JsonObject json ? json.toBuffer() : Buffer.buffer(String.valueOf(payload));
  }

  /**
   * Where a parsed payload holds a character PostgreSQL must not get or a person cannot see: a control character (NUL,
   * escape, ... but tab, line feed and carriage return) or half of a surrogate pair, in a value or a field name; null
   * when there is none.
   */
  static String badCharacter(Object json, String path) {
    if (json instanceof JsonObject object) {
      for (Map.Entry<String, Object> field : object) {
        String where = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        String bad = badCharacter(field.getKey(), "the name of field " + printable(where));
        if (bad == null) {
          bad = badCharacter(field.getValue(), where);
        }
        if (bad != null) {
          return bad;
        }
      }
    } else if (json instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        String bad = badCharacter(array.getValue(i), path + "[" + i + "]");
        if (bad != null) {
          return bad;
        }
      }
    } else if (json instanceof String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        boolean control = Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r';
        boolean halfPair = Character.isHighSurrogate(c) ? i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
            : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
        if (control || halfPair) {
          String where = path.startsWith("the name of") ? path : "field " + printable(path);
          return where + " holds " + (control ? "a control character" : "half of a surrogate pair") + " (U+"
              + String.format("%04X", (int) c) + ") at position " + i;
        }
      }
    }
    return null;
  }

  /** Text to quote in a reason: control characters written as {@code \\uXXXX}. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.chars().forEach(c -> {
      if (Character.getType(c) == Character.CONTROL || Character.isSurrogate((char) c)) {
        out.append(String.format("\\u%04X", c));
      } else {
        out.append((char) c);
      }
    });
    return out.toString();
  }

  private JsonObject json(byte[] bytes) {
    JsonObject json = new JsonObject();
    if (topic.indexOf('\0') >= 0) {
      json.put("topic", Base64.getEncoder().encodeToString(topic.getBytes(StandardCharsets.UTF_8))).put("topic_encoding", BASE64);
    } else {
      json.put("topic", topic);
    }
    String text = strictUtf8(bytes);
    if (text != null && text.indexOf('\0') < 0) {
      return json.put("payload", text).put("payload_encoding", UTF8);
    }
    return json.put("payload", Base64.getEncoder().encodeToString(bytes)).put("payload_encoding", BASE64);
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
