package verticles.lines;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ProgressThrottle}: which progress events are written at once, which are held, and when those are due. */
class ProgressThrottleTest {

  static final long SECOND = 1_000_000_000L;

  @Test
  void anOrderIsDueOncePerIntervalAndIsHeldOnceHoweverOftenItIsCounted() {
    ProgressThrottle throttle = new ProgressThrottle(Duration.ofSeconds(1));
    assertThat(throttle.due("WO-1", 0)).as("never published").isTrue();
    throttle.published("WO-1", "in_progress", 0);
    assertThat(throttle.lastStatus("WO-1")).isEqualTo("in_progress");
    assertThat(throttle.due("WO-1", SECOND / 2)).isFalse();
    throttle.hold("WO-1", "in_progress");
    throttle.hold("WO-1", "in_progress");
    assertThat(throttle.nextDueIn(SECOND / 2)).isEqualTo(SECOND / 2);
    assertThat(throttle.takeDue(SECOND / 2, Set.of(), false)).isEmpty();

    assertThat(throttle.takeDue(SECOND, Set.of(), false)).extracting(ProgressThrottle.Held::workOrderId).containsExactly("WO-1");
    assertThat(throttle.holdsAny()).isFalse();
    assertThat(throttle.nextDueIn(SECOND)).isEqualTo(-1);
  }

  @Test
  void aPublishedEventDropsTheHeldOneAndAFailedWriteHoldsItAgain() {
    ProgressThrottle throttle = new ProgressThrottle(Duration.ofSeconds(1));
    throttle.published("WO-1", "in_progress", 0);
    throttle.hold("WO-1", "in_progress");
    throttle.published("WO-1", "in_progress", SECOND); // e.g. the figures that complete it, written at once
    assertThat(throttle.holdsAny()).isFalse();

    throttle.hold("WO-1", "in_progress");
    List<ProgressThrottle.Held> taken = throttle.takeDue(3 * SECOND, Set.of(), false);
    assertThat(taken).hasSize(1);
    assertThat(throttle.holdsAny()).isFalse();
    throttle.restore(taken);
    assertThat(throttle.takeDue(3 * SECOND, Set.of(), false)).extracting(ProgressThrottle.Held::workOrderId).containsExactly("WO-1");
  }

  @Test
  void ordersInTheNextBatchStayHeldAndAStopTakesEverything() {
    ProgressThrottle throttle = new ProgressThrottle(Duration.ofSeconds(1));
    throttle.published("WO-1", "in_progress", 0);
    throttle.published("WO-2", "in_progress", 0);
    throttle.hold("WO-1", "in_progress");
    throttle.hold("WO-2", "in_progress");
    assertThat(throttle.takeDue(2 * SECOND, Set.of("WO-1"), false)).extracting(ProgressThrottle.Held::workOrderId)
        .containsExactly("WO-2");
    assertThat(throttle.takeDue(SECOND / 10, Set.of(), true)).extracting(ProgressThrottle.Held::workOrderId)
        .containsExactly("WO-1");
  }

  @Test
  void statusChangesAndCompletionAreNeverHeldAndZeroHoldsNothing() {
    BigDecimal ten = BigDecimal.TEN;
    assertThat(ProgressThrottle.atOnce("in_progress", null, BigDecimal.ONE, ten)).as("first event").isTrue();
    assertThat(ProgressThrottle.atOnce("in_progress", "received", BigDecimal.ONE, ten)).isTrue();
    assertThat(ProgressThrottle.atOnce("on_hold", "in_progress", BigDecimal.ONE, ten)).isTrue();
    assertThat(ProgressThrottle.atOnce("in_progress", "in_progress", BigDecimal.ONE, ten)).isFalse();
    assertThat(ProgressThrottle.atOnce("in_progress", "in_progress", ten, ten)).as("complete").isTrue();

    ProgressThrottle every = new ProgressThrottle(Duration.ZERO);
    every.published("WO-1", "in_progress", 0);
    assertThat(every.due("WO-1", 0)).isTrue();
  }
}
