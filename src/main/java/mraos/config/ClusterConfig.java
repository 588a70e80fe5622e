package mraos.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Whether and how this node joins a cluster, and how it holds the verticles that run once in it. */
public record ClusterConfig(boolean enabled, Path configFile, List<String> members, String host,
                            Duration singletonCheckInterval, Duration singletonLease) {
  static ClusterConfig from(Settings s) {
    Duration interval = s.duration("singleton-check-interval");
    Duration lease = s.duration("singleton-lease");
    if (lease.compareTo(interval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("cluster.singleton-lease (" + lease + ") must be at least twice"
          + " cluster.singleton-check-interval (" + interval + "): each check renews the lease");
    }
    return new ClusterConfig(s.bool("enabled"), Path.of(s.string("config")), s.strings("members"), s.string("host"),
        interval, lease);
  }
}
