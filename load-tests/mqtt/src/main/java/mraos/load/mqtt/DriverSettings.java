package mraos.load.mqtt;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of the driver does, from {@code key=value} arguments (the run script passes them). Every knob has a
 * default; {@link #describe()} prints them all into the results.
 */
record DriverSettings(
    String mode,            // ceiling | mraos
    String broker,          // mqtt://127.0.0.1:11883
    int lines,
    int machinesPerLine,
    double rate,            // count messages per second, all machines together
    int warmupSeconds,      // published at the rate but not measured
    int durationSeconds,    // the measured window
    int window,             // QoS 1 publishes awaiting the broker's PUBACK, per machine
    int machinesPerConnection, // machines sharing one MQTT connection (consecutive machines: a line's in the bench plant)
    int publishers,         // publishing verticles (event loops) the connections are spread over
    int tickMillis,         // how often a publisher sends what is due (all of a connection's in one write)
    int pollMillis,         // mraos mode: how often the commits are read
    int drainSeconds,       // longest wait after the last publish for everything to be committed/received
    String database,        // mraos mode: postgresql://127.0.0.1:15434/mraos
    String databaseUser,
    String databasePassword,
    String runId,
    String label,
    String results,         // JSON file for this run's results ("" = none)
    String summary,         // TSV file the run's line is appended to ("" = none)
    String cpu,             // name:pid[+],...  processes whose CPU is measured over the window (+ = with children)
    String notes,
    boolean stopCeiling) {  // ceiling mode: ask the subscriber to unsubscribe and exit after the run

  static DriverSettings parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Arguments are key=value, not " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String mode = a.getOrDefault("mode", "mraos").toLowerCase(Locale.ROOT);
    if (!mode.equals("ceiling") && !mode.equals("mraos")) {
      throw new IllegalArgumentException("mode must be ceiling or mraos");
    }
    String runId = a.getOrDefault("runId", Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36));
    DriverSettings s = new DriverSettings(mode,
        a.getOrDefault("broker", "mqtt://127.0.0.1:11883"),
        Integer.parseInt(a.getOrDefault("lines", "10")),
        Integer.parseInt(a.getOrDefault("machinesPerLine", "20")),
        a.getOrDefault("rate", "30000").equals("max") ? Double.POSITIVE_INFINITY : Double.parseDouble(a.getOrDefault("rate", "30000")),
        Integer.parseInt(a.getOrDefault("warmup", "10")),
        Integer.parseInt(a.getOrDefault("duration", "60")),
        Integer.parseInt(a.getOrDefault("window", "100")),
        Integer.parseInt(a.getOrDefault("machinesPerConnection", "20")),
        Integer.parseInt(a.getOrDefault("publishers", "2")),
        Integer.parseInt(a.getOrDefault("tick", "5")),
        Integer.parseInt(a.getOrDefault("poll", "5")),
        Integer.parseInt(a.getOrDefault("drain", "120")),
        a.getOrDefault("database", "postgresql://127.0.0.1:15434/mraos"),
        a.getOrDefault("databaseUser", "mraos"),
        a.getOrDefault("databasePassword", "mraos"),
        runId,
        a.getOrDefault("label", mode),
        a.getOrDefault("results", ""),
        a.getOrDefault("summary", ""),
        a.getOrDefault("cpu", ""),
        a.getOrDefault("notes", ""),
        Boolean.parseBoolean(a.getOrDefault("stopCeiling", "false")));
    if (s.lines < 1 || s.machinesPerLine < 1 || s.rate <= 0 || s.durationSeconds < 1 || s.window < 1 || s.window > 60_000
        || s.publishers < 1 || s.pollMillis < 1 || s.machinesPerConnection < 1 || s.tickMillis < 1
        || (long) s.machinesPerConnection * s.window > 65_535) {
      throw new IllegalArgumentException("lines, machinesPerLine, rate, duration, publishers, poll, machinesPerConnection must be"
          + " positive; window 1..60000; machinesPerConnection x window at most 65535 (MQTT packet ids per connection)");
    }
    return s;
  }

  int machines() {
    return lines * machinesPerLine;
  }

  String describe() {
    return String.format(Locale.ROOT, "%s: %d lines x %d machines, %s msg/s, warm-up %d s, measured %d s, window %d/machine, "
        + "%d machine(s) per connection, %d publisher event loop(s), a write per connection every %d ms%s", mode, lines, machinesPerLine,
        Double.isInfinite(rate) ? "max" : String.format(Locale.ROOT, "%.0f", rate),
        warmupSeconds, durationSeconds, window, machinesPerConnection, publishers, tickMillis, mode.equals("mraos") ? ", commits read every " + pollMillis + " ms" : "");
  }
}
