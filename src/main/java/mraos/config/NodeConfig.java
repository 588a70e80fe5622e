package mraos.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;

/** This node's name (logs, metrics, the audit trail) and where the embedded services keep their data. */
public record NodeConfig(String name, Path dataDir) {
  static NodeConfig from(Settings s) {
    String name = s.string("name");
    if (name.isBlank()) {
      name = hostName() + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
    return new NodeConfig(name, Path.of(s.string("data-dir")));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "mraos";
    }
  }
}
