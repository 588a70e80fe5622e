package mraos.events;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope's id carries the UTC second and 12 random hex digits; its timestamp is what Instant.toString says. */
class EnvelopeTest {

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  @Test
  void messageIdCarriesTheUtcSecondAndTwelveRandomHexDigits() {
    Random random = new Random(3);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-30_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
      String id = Envelope.messageId(t);
      assertThat(id).as("%s", t).startsWith("msg_" + ID_TIME.format(t) + "_");
      assertThat(id.substring(id.length() - 13)).as(id).matches("_[0-9a-f]{12}");
      ids.add(id.substring(id.length() - 12));
    }
    assertThat(ids).as("random parts of 100,000 ids").hasSizeGreaterThan(99_990);
  }

  @Test
  void wrapStampsTheInstantAsInstantToString() {
    Instant now = Instant.parse("2026-11-29T07:15:00.120Z");
    JsonObject envelope = Envelope.wrap(now, "ERP", "corr-1", new JsonObject().put("a", 1));
    assertThat(envelope.getString("timestamp")).isEqualTo("2026-11-29T07:15:00.120Z").isEqualTo(now.toString());
    assertThat(envelope.getString("message_id")).matches("msg_20261129_071500_[0-9a-f]{12}");
    assertThat(envelope.getString("version")).isEqualTo("1.0");
    assertThat(envelope.getString("correlation_id")).isEqualTo("corr-1");
  }
}
