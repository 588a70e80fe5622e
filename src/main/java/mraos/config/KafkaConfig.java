package mraos.config;

/** The Kafka cluster (or the embedded broker), its topics, and how the outbox relays events to it. */
public record KafkaConfig(String bootstrapServers, int embeddedPort, int embeddedControllerPort,
                          String workOrdersTopic, String resourceStatusTopic, String integrationFailuresTopic,
                          int outboxBatchSize, int outboxPollIntervalMs, int outboxRetryBackoffMs, int outboxCoalesceMs,
                          int lingerMs, int deliveryTimeoutMs, int healthCheckIntervalMs) {
  static KafkaConfig from(Settings s) {
    Settings topics = s.section("topics");
    Settings outbox = s.section("outbox");
    Settings producer = s.section("producer");
    return new KafkaConfig(s.string("bootstrap-servers").trim(),
        s.integer("embedded-port", 0, 65535), s.integer("embedded-controller-port", 0, 65535),
        topics.string("work-orders"), topics.string("resource-status"), topics.string("integration-failures"),
        outbox.integer("batch-size", 1, 100_000), outbox.integer("poll-interval-ms", 10, 3_600_000),
        outbox.integer("retry-backoff-ms", 10, 3_600_000), outbox.integer("coalesce-ms", 0, 10_000),
        producer.integer("linger-ms", 0, 60_000), producer.integer("delivery-timeout-ms", 1_000, 3_600_000),
        s.integer("health-check-interval-ms", 100, 3_600_000));
  }

  public boolean embedded() {
    return bootstrapServers.isEmpty();
  }
}
