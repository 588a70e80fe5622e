package mraos.time;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written reading and writing of the MES's timestamps gives exactly what the JDK gives. */
class TimestampsTest {

  @Test
  void formatIsInstantToString() {
    Random random = new Random(7);
    List<Instant> cases = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2026-11-28T23:40:00Z"),
        Instant.parse("2026-11-28T23:40:00.100Z"), Instant.parse("2026-11-28T23:40:00.000100Z"),
        Instant.parse("2026-11-28T23:40:00.000000100Z"), Instant.parse("1000-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("0999-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("1969-12-31T23:59:59.5Z")));
    for (int i = 0; i < 100_000; i++) {
      long second = random.nextLong(-5_000_000_000L, 5_000_000_000L);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      cases.add(Instant.ofEpochSecond(second, nano));
    }
    for (Instant t : cases) {
      assertThat(Timestamps.format(t)).as("%s", t).isEqualTo(t.toString());
    }
  }

  @Test
  void parseIsOffsetDateTimeParse() {
    Random random = new Random(11);
    List<String> cases = new java.util.ArrayList<>(List.of("2026-11-28T23:40:00Z", "2026-11-28T23:40:00.1Z",
        "2026-11-28T23:40:00.123456789Z", "2026-11-28T23:40:00.123+02:00", "2026-11-28T00:10:00-05:30",
        "2024-02-29T12:00:00Z", "2026-11-28t23:40:00z", "2026-11-28T23:40Z", "2026-11-28T23:40:00+02:00:30",
        "2026-11-28T23:40:00.1234567891Z", "2026-11-28T23:40:00.Z"));
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(0, 8_000_000_000L), i % 2 == 0 ? 0 : random.nextInt(1_000_000_000));
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(-18 * 4, 18 * 4 + 1)) * 900);
      cases.add(OffsetDateTime.ofInstant(t, offset).toString());
    }
    for (String text : cases) {
      Instant expected;
      try {
        expected = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeException e) {
        assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeException.class);
        continue;
      }
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(expected);
    }
  }

  @Test
  void whatTheJdkRefusesIsRefused() {
    for (String text : List.of("2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T23:60:00Z",
        "2026-11-28T23:40:00", "2026-11-28 23:40:00Z", "yesterday", "2026-11-28T23:40:00+19:00")) {
      assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeException.class);
    }
  }
}
