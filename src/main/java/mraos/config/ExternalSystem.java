package mraos.config;

import java.time.Duration;

/** How MRAOS reaches one external system: where, how long it waits, how it authenticates. */
public record ExternalSystem(String name, String baseUrl, Duration requestTimeout, Auth auth) {
  static ExternalSystem from(String name, Settings s) {
    String base = s.string("base-url").trim();
    return new ExternalSystem(name, base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
        s.duration("request-timeout"), Auth.from(s.section("auth")));
  }

  public boolean connected() {
    return !baseUrl.isEmpty();
  }
}
