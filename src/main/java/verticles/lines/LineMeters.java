package verticles.lines;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import mraos.metrics.Meters;

import java.util.concurrent.atomic.AtomicInteger;

/** A line's meters: messages held, MQTT arrival to commit, messages per batch, applied and dead-lettered. */
record LineMeters(AtomicInteger held, Timer commitLatency, DistributionSummary batchSizes, Counter applied,
                  Counter deadLetters) {

  static LineMeters of(MeterRegistry meters, String lineId) {
    AtomicInteger held = new AtomicInteger();
    meters.gauge(Meters.LINE_BUFFER, Tags.of(Meters.TAG_LINE, lineId), held);
    return new LineMeters(held,
        Timer.builder(Meters.MES_COMMIT_LATENCY).tags(Meters.TAG_LINE, lineId).publishPercentiles(0.5, 0.95, 0.99)
            .register(meters),
        DistributionSummary.builder(Meters.MES_BATCH_MESSAGES).tags(Meters.TAG_LINE, lineId)
            .description("MES messages written per batch").register(meters),
        meters.counter(Meters.MES_MESSAGES, Tags.of(Meters.TAG_LINE, lineId, Meters.TAG_OUTCOME, "applied")),
        meters.counter(Meters.MES_MESSAGES, Tags.of(Meters.TAG_LINE, lineId, Meters.TAG_OUTCOME, "dead_letter")));
  }
}
