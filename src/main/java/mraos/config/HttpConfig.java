package mraos.config;

/** The API's listener: where it binds, how many gateway instances, how large a body, how many requests at once. */
public record HttpConfig(String host, int port, int instances, int maxBodyBytes, int maxInFlight) {
  static HttpConfig from(Settings s) {
    int instances = s.integer("instances", 0, 256);
    return new HttpConfig(s.string("host"), s.integer("port", 0, 65535),
        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
        s.integer("max-body-bytes", 1024, 256 * 1024 * 1024), s.integer("max-in-flight", 0, 1_000_000));
  }
}
