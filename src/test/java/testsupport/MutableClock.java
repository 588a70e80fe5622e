package testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that runs at real speed from a time the test sets, and jumps when the test says so. */
public final class MutableClock extends Clock {

  private volatile Duration offset;

  private MutableClock(Duration offset) {
    this.offset = offset;
  }

  public static MutableClock at(Instant start) {
    return new MutableClock(Duration.between(Instant.now(), start));
  }

  public void set(Instant now) {
    offset = Duration.between(Instant.now(), now);
  }

  public void advance(Duration by) {
    offset = offset.plus(by);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
