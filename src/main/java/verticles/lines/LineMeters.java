package verticles.lines;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import mraos.metrics.Meters;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A line's meters: messages held, MQTT arrival to commit, messages per batch, applied and dead-lettered. The held
 * gauge exists while the line runs on this node ({@link #close} when it stops): a gauge left behind would show, on a
 * node the line has left, what it held when it went (and a line that came back would be shown by the old gauge, bound
 * to the figure of its earlier run). The counters and timers stay: they only ever grow.
 */
record LineMeters(AtomicInteger held, Gauge heldGauge, MeterRegistry registry, Timer commitLatency,
                  DistributionSummary batchSizes, Counter applied, Counter deadLetters) {

  static LineMeters of(MeterRegistry meters, String lineId) {
    AtomicInteger held = new AtomicInteger();
    Gauge gauge = Gauge.builder(Meters.LINE_BUFFER, held, AtomicInteger::get).tags(Meters.TAG_LINE, lineId)
        .description("MES messages the line holds, read and not yet acknowledged").strongReference(true).register(meters);
    return new LineMeters(held, gauge, meters,
        Timer.builder(Meters.MES_COMMIT_LATENCY).tags(Meters.TAG_LINE, lineId).publishPercentiles(0.5, 0.95, 0.99)
            .register(meters),
        DistributionSummary.builder(Meters.MES_BATCH_MESSAGES).tags(Meters.TAG_LINE, lineId)
            .description("MES messages written per batch").register(meters),
        meters.counter(Meters.MES_MESSAGES, Tags.of(Meters.TAG_LINE, lineId, Meters.TAG_OUTCOME, "applied")),
        meters.counter(Meters.MES_MESSAGES, Tags.of(Meters.TAG_LINE, lineId, Meters.TAG_OUTCOME, "dead_letter")));
  }

  /** The line stops running here: its held gauge goes (what it held is its next holder's now). */
  void close() {
    registry.remove(heldGauge);
  }
}
