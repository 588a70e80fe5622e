package chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's figures, one row per scenario, as docs/reliability.md shows them: written to
 * {@code target/chaos-report.md} after each scenario (a failed run keeps the rows before it) and printed.
 */
final class ChaosReport {

  private static final Path FILE = Path.of("target", "chaos-report.md");

  private record Row(String scenario, String traffic, long lost, long doubled, String recovery) {
  }

  private final String settings;
  private final List<Row> rows = new ArrayList<>();

  ChaosReport(String settings) {
    this.settings = settings;
  }

  /** A scenario's row: the counts made during it (and their rate), and how the plant came back. */
  void add(String scenario, long counts, Duration during, PlantCheck.Counted counted, String recovery) {
    String traffic = String.format(Locale.ROOT, "%,d counts in %.0f s (%,.0f/s)", counts, seconds(during),
        counts / Math.max(0.001, seconds(during)));
    rows.add(new Row(scenario, traffic, counted.lost(), counted.doubled(), recovery));
    String text = render();
    System.out.println(text);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String render() {
    StringBuilder md = new StringBuilder("Chaos suite, ").append(Instant.now()).append(", ").append(settings).append("\n\n")
        .append("| scenario | traffic | lost | doubled | recovery |\n|---|---|---|---|---|\n");
    rows.forEach(r -> md.append("| ").append(r.scenario()).append(" | ").append(r.traffic()).append(" | ").append(r.lost())
        .append(" | ").append(r.doubled()).append(" | ").append(r.recovery()).append(" |\n"));
    return md.toString();
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  static String seconds(String label, Duration d) {
    return String.format(Locale.ROOT, "%s %.1f s", label, seconds(d));
  }
}
