package mraos.config;

import java.time.Duration;

/** How often the dead letters' figures (the failures gauges) are counted again. */
public record FailuresConfig(Duration figuresInterval) {
  static FailuresConfig from(Settings s) {
    return new FailuresConfig(s.duration("figures-interval", Duration.ofSeconds(1), Duration.ofHours(1)));
  }
}
