package mraos.config;

import java.time.Duration;

/** The Kafka cluster (or the embedded broker), its topics, and how the outbox relays events to it. */
public record KafkaConfig(String bootstrapServers, int embeddedPort, int embeddedControllerPort,
                          String workOrdersTopic, String resourceStatusTopic, String integrationFailuresTopic,
                          String hrUpdatesTopic,
                          int outboxBatchSize, Duration outboxPollInterval, Duration outboxRetryBackoff,
                          Duration outboxCoalesce, Duration linger, Duration deliveryTimeout,
                          Duration healthCheckInterval, Duration healthCheckTimeout) {
  static KafkaConfig from(Settings s) {
    Settings topics = s.section("topics");
    Settings outbox = s.section("outbox");
    Settings producer = s.section("producer");
    return new KafkaConfig(s.string("bootstrap-servers").trim(),
        s.integer("embedded-port", 0, 65535), s.integer("embedded-controller-port", 0, 65535),
        topics.string("work-orders"), topics.string("resource-status"), topics.string("integration-failures"),
        topics.string("hr-updates"),
        outbox.integer("batch-size", 1, 100_000),
        outbox.duration("poll-interval", Duration.ofMillis(10), Duration.ofHours(1)),
        outbox.duration("retry-backoff", Duration.ofMillis(10), Duration.ofHours(1)),
        outbox.duration("coalesce", Duration.ZERO, Duration.ofSeconds(10)),
        producer.duration("linger", Duration.ZERO, Duration.ofMinutes(1)),
        producer.duration("delivery-timeout", Duration.ofSeconds(1), Duration.ofHours(1)),
        s.duration("health-check-interval", Duration.ofMillis(100), Duration.ofHours(1)),
        s.duration("health-check-timeout", Duration.ofMillis(100), Duration.ofMinutes(5)));
  }

  public boolean embedded() {
    return bootstrapServers.isEmpty();
  }
}
