package mraos.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The MES's MQTT broker and the lines' sessions on it. */
public record MqttConfig(String url, String username, String password, String clientIdPrefix, List<Duration> reconnectDelays,
                         Duration keepAlive, int embeddedPort, Path embeddedMosquitto, Duration embeddedAutosaveInterval,
                         int embeddedMaxInflight) {
  static MqttConfig from(Settings s) {
    List<Duration> delays = s.durations("reconnect-delays");
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("Configuration mqtt.reconnect-delays needs at least one delay");
    }
    return new MqttConfig(s.string("url").trim(), s.string("username"), s.secret("password"), s.string("client-id-prefix"),
        delays, s.duration("keep-alive"), s.integer("embedded-port", 0, 65535), Path.of(s.string("embedded-mosquitto").trim()),
        s.duration("embedded-autosave-interval", Duration.ofSeconds(1), Duration.ofHours(24)),
        s.integer("embedded-max-inflight", 0, 65_535));
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  @Override
  public String toString() {
    return "MqttConfig[" + url + (username.isEmpty() ? "" : ", user " + username) + "]";
  }
}
