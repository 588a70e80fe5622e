package verticles.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** "every 5 minutes" (the inventory stock pull's schedule): slots at whole multiples of the interval since midnight. */
class InventoryScheduleTest {

  @Test
  void everyFiveMinutesHasItsSlotsAtMultiplesOfFiveMinutesInThePlantsZone() {
    Schedule every5 = Schedule.parse("every 5 minutes");
    ZoneId zone = ZoneId.of("Europe/Berlin");

    assertThat(every5.latestSlot(Instant.parse("2025-11-18T14:23:45Z"), zone)).contains(Instant.parse("2025-11-18T14:20:00Z"));
    assertThat(every5.latestSlot(Instant.parse("2025-11-18T14:25:00Z"), zone)).contains(Instant.parse("2025-11-18T14:25:00Z"));
    assertThat(Schedule.parse("every 1 minute").latestSlot(Instant.parse("2025-11-18T14:23:45Z"), zone))
        .contains(Instant.parse("2025-11-18T14:23:00Z"));
    assertThatThrownBy(() -> Schedule.parse("every 0 minutes")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Schedule.parse("hourly at :05").kind()).isEqualTo(Schedule.Kind.HOURLY);
  }
}
