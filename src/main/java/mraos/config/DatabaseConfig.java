package mraos.config;

/** The PostgreSQL that holds the plant's picture (or the embedded one) and this node's pools on it. */
public record DatabaseConfig(String url, String user, String password, int poolSize, int batchPoolSize, int embeddedPort,
                             boolean embeddedFsync) {
  static DatabaseConfig from(Settings s) {
    return new DatabaseConfig(s.string("url").trim(), s.string("user"), s.string("password"),
        s.integer("pool-size", 1, 1000), s.integer("batch-pool-size", 1, 1000), s.integer("embedded-port", 0, 65535),
        s.bool("embedded-fsync"));
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  @Override
  public String toString() {
    return "DatabaseConfig[url=" + url + ", user=" + user + ", poolSize=" + poolSize + ", batchPoolSize=" + batchPoolSize + "]";
  }
}
