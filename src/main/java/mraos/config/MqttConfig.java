package mraos.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The MES's MQTT broker and the lines' sessions on it.
 *
 * @param maxMessageSize the largest payload MRAOS applies: a larger one is a dead letter (its payload cut short)
 * @param maxPacketSize  the largest packet the lines' client reads off the wire; the embedded broker takes no larger one
 */
public record MqttConfig(String url, String username, String password, String clientIdPrefix, List<Duration> reconnectDelays,
                         Duration keepAlive, int embeddedPort, Path embeddedMosquitto, Duration embeddedAutosaveInterval,
                         int embeddedMaxInflight, int maxMessageSize, int maxPacketSize) {

  /** MQTT's own limit on a packet (its remaining length is at most 268,435,455 bytes). */
  public static final int MQTT_MAX_PACKET = 268_435_455;

  static MqttConfig from(Settings s) {
    List<Duration> delays = s.durations("reconnect-delays");
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("Configuration mqtt.reconnect-delays needs at least one delay");
    }
    int maxPacket = (int) s.bytes("max-packet-size", 1024, MQTT_MAX_PACKET);
    int maxMessage = (int) s.bytes("max-message-size", 1, MQTT_MAX_PACKET);
    if (maxMessage > maxPacket) {
      throw new IllegalArgumentException("Configuration mqtt.max-message-size (" + maxMessage + " bytes) must not exceed"
          + " mqtt.max-packet-size (" + maxPacket + " bytes): a larger message could not be read, only dropped");
    }
    return new MqttConfig(s.string("url").trim(), s.string("username"), s.secret("password"), s.string("client-id-prefix"),
        delays, s.duration("keep-alive"), s.integer("embedded-port", 0, 65535), Path.of(s.string("embedded-mosquitto").trim()),
        s.duration("embedded-autosave-interval", Duration.ofSeconds(1), Duration.ofHours(24)),
        s.integer("embedded-max-inflight", 0, 65_535), maxMessage, maxPacket);
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  @Override
  public String toString() {
    return "MqttConfig[" + url + (username.isEmpty() ? "" : ", user " + username) + "]";
  }
}
