package mraos.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** How often the scheduler looks at the clock, and each job's schedule as written ("daily at 23:00"). */
public record SchedulerConfig(Duration tick, Map<String, String> jobs) {
  static SchedulerConfig from(Settings s) {
    Map<String, String> jobs = new LinkedHashMap<>();
    Settings section = s.section("jobs");
    section.json().fieldNames().forEach(name -> jobs.put(name, section.string(name)));
    return new SchedulerConfig(s.duration("tick"), Map.copyOf(jobs));
  }
}
