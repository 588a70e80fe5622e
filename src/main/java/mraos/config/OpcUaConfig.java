package mraos.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MES's OPC UA endpoints and how MRAOS subscribes to them. {@code certificateDir} empty means
 * {@code <node.data-dir>/opcua}; see {@link #certificateDir(NodeConfig)}.
 */
public record OpcUaConfig(Duration publishingInterval, Duration keepAlive, Duration samplingInterval,
                          Duration requestTimeout, Duration reconnectMin, Duration reconnectMax, Duration rediscoverAfter,
                          String namespaceUri, String certificateDir, String keystorePassword,
                          Map<String, OpcUaEndpoint> endpoints) {
  static OpcUaConfig from(Settings s) {
    Map<String, OpcUaEndpoint> endpoints = new LinkedHashMap<>();
    Settings section = s.section("endpoints");
    for (String name : section.json().fieldNames()) {
      Settings e = section.section(name);
      String mode = e.string("security-mode");
      if (!mode.equals("None") && !mode.equals("SignAndEncrypt")) {
        throw new IllegalArgumentException("Configuration mes.opcua.endpoints." + name + ".security-mode must be None or SignAndEncrypt");
      }
      endpoints.put(name, new OpcUaEndpoint(name, e.string("url").trim(), mode, e.string("username"), e.secret("password"),
          e.strings("machines")));
    }
    Duration reconnectMin = positive(s, "reconnect-backoff-min");
    Duration reconnectMax = positive(s, "reconnect-backoff-max");
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("Configuration mes.opcua.reconnect-backoff-max must not be shorter than reconnect-backoff-min");
    }
    return new OpcUaConfig(positive(s, "publishing-interval"), positive(s, "keep-alive"), positive(s, "sampling-interval"),
        positive(s, "request-timeout"), reconnectMin, reconnectMax, positive(s, "rediscover-after"), s.string("namespace-uri"),
        s.string("certificate-dir").trim(), s.secret("keystore-password"), Map.copyOf(endpoints));
  }

  private static Duration positive(Settings s, String key) {
    Duration d = s.duration(key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("Configuration mes.opcua." + key + " must be longer than 0");
    }
    return d;
  }

  /** Where the endpoints' client certificates and pinned server certificates live. */
  public Path certificateDir(NodeConfig node) {
    return certificateDir.isEmpty() ? node.dataDir().resolve("opcua") : Path.of(certificateDir);
  }

  @Override
  public String toString() {
    return "OpcUaConfig[publishingInterval=" + publishingInterval + ", keepAlive=" + keepAlive + ", namespaceUri="
        + namespaceUri + ", endpoints=" + endpoints.values() + "]"; // never the keystore password
  }
}
