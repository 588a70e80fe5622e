package mraos.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * This node's name (logs, metrics, the audit trail), where the embedded services keep their data, and how long each
 * step of starting and stopping it may take.
 */
public record NodeConfig(String name, Path dataDir, Duration deployTimeout, Duration stopTimeout) {
  static NodeConfig from(Settings s) {
    String name = s.string("name");
    if (name.isBlank()) {
      name = hostName() + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
    return new NodeConfig(name, Path.of(s.string("data-dir")),
        s.duration("deploy-timeout", Duration.ofSeconds(1), Duration.ofHours(1)),
        s.duration("stop-timeout", Duration.ofSeconds(1), Duration.ofHours(1)));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "mraos";
    }
  }
}
