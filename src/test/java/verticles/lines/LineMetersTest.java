package verticles.lines;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mraos.metrics.Meters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A line that leaves a node takes its held gauge with it, and one that comes back shows what it holds now. (Before, the
 * gauge stayed: the node a line had left went on reporting what the line held when it went, and a line that came back
 * was shown by the gauge of its earlier run; the chaos suite's "nothing held" check found it.)
 */
class LineMetersTest {

  @Test
  void aLineThatLeavesTakesItsHeldGaugeAndOneThatComesBackShowsItsOwn() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LineMeters first = LineMeters.of(registry, "line5");
    first.held().set(4);
    assertThat(registry.get(Meters.LINE_BUFFER).tag(Meters.TAG_LINE, "line5").gauge().value()).isEqualTo(4);

    first.close();
    assertThat(registry.find(Meters.LINE_BUFFER).tag(Meters.TAG_LINE, "line5").gauge()).as("gauge after the line left")
        .isNull();

    LineMeters again = LineMeters.of(registry, "line5");
    again.held().set(1);
    assertThat(registry.get(Meters.LINE_BUFFER).tag(Meters.TAG_LINE, "line5").gauge().value()).isEqualTo(1);
  }
}
