package mraos.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Whether and how this node joins a cluster, and how it holds the verticles that run once in it. {@code name} empty:
 * the Hazelcast file's cluster name. {@code requireClusterWhenShared}: an unclustered node refuses to start beside live
 * nodes on its database.
 */
public record ClusterConfig(boolean enabled, Path configFile, String name, List<String> members, String host,
                            boolean requireClusterWhenShared, Duration singletonCheckInterval, Duration singletonLease) {
  static ClusterConfig from(Settings s) {
    Duration interval = s.duration("singleton-check-interval");
    Duration lease = s.duration("singleton-lease");
    if (lease.compareTo(interval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("cluster.singleton-lease (" + lease + ") must be at least twice"
          + " cluster.singleton-check-interval (" + interval + "): each check renews the lease");
    }
    return new ClusterConfig(s.bool("enabled"), Path.of(s.string("config")), s.string("name").trim(), s.strings("members"),
        s.string("host"), s.bool("require-cluster-when-shared"), interval, lease);
  }
}
