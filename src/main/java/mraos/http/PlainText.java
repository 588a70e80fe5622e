package mraos.http;

import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * What text MRAOS takes from callers: valid UTF-8 (decoded strictly, never patched with U+FFFD), no unpaired surrogate
 * (PostgreSQL would store it as '?'), and no control character but tab, line feed and carriage return (no NUL, no
 * ANSI escape, no DEL, no C1 control). Ids are stricter still: see {@link IdPattern}.
 */
public final class PlainText {

  private PlainText() {
  }

  /** Null when the text is acceptable; otherwise what is wrong with it, e.g. "must not contain the control character U+001B". */
  public static String problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c >= 0x7f && c <= 0x9f) {
        return "must not contain the control character " + codePoint(c) + " (at character " + i + ")";
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must not contain the unpaired surrogate " + codePoint(c) + " (at character " + i + ")";
      }
    }
    return null;
  }

  /** The bytes as UTF-8, refusing (400 INT-003, naming the byte) what is not UTF-8 instead of replacing it. */
  public static String utf8(Buffer bytes, String what) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes.getBytes());
    try {
      return decoder.decode(in).toString();
    } catch (MalformedInputException e) {
      int at = Math.min(in.position(), bytes.length() - 1);
      throw ApiError.badRequest(what + " is not valid UTF-8: byte " + at + " (0x"
          + String.format("%02X", bytes.getByte(at)) + ") does not start or continue a UTF-8 character");
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest(what + " is not valid UTF-8");
    }
  }

  private static String codePoint(char c) {
    return String.format("U+%04X", (int) c);
  }
}
