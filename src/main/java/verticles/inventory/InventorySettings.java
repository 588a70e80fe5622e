package verticles.inventory;

import mraos.config.MraosConfig;
import mraos.config.Settings;

import java.time.Duration;

/**
 * The inventory area's settings ({@code inventory} in conf/mraos.yaml beyond how MRAOS reaches the warehouse, which is
 * the machinery's {@code MraosConfig.inventory()}), parsed and checked once.
 */
record InventorySettings(String stockLevelsPath, String reservationsPath, String releasePath, String consumptionPath,
                         String location, String reservationIdPrefix, String transactionIdPrefix, String reservedBy,
                         Duration expectedConsumptionAfter, Duration reservationAnswerWait, String inventoryTopic,
                         boolean cdcEnabled, String cdcTopic, String cdcGroupId, int cdcMaxPollRecords,
                         Duration cdcLagWarning, Duration cdcStatusInterval, Duration cdcAppliedRetention,
                         boolean cdcPublishChanges) {

  static InventorySettings of(MraosConfig config) {
    Settings root = Settings.of(config.json());
    Settings inventory = root.section("inventory");
    Settings paths = inventory.section("paths");
    Settings cdc = inventory.section("cdc");
    String location = inventory.string("location").trim();
    if (location.isEmpty()) {
      throw new IllegalArgumentException("Configuration inventory.location must name the warehouse location MRAOS reads"
          + " (the ?location= of the stock pull, e.g. Plant1)");
    }
    String prefix = inventory.string("reservation-id-prefix").trim();
    if (!prefix.matches("[A-Z0-9-]{1,20}")) {
      throw new IllegalArgumentException("Configuration inventory.reservation-id-prefix must be 1-20 capitals, digits or"
          + " dashes (e.g. RES-MRAOS), not '" + prefix + "'");
    }
    String transactionPrefix = inventory.string("transaction-id-prefix").trim();
    if (!transactionPrefix.matches("[A-Z0-9-]{1,20}")) {
      throw new IllegalArgumentException("Configuration inventory.transaction-id-prefix must be 1-20 capitals, digits or"
          + " dashes (e.g. TXN-MRAOS), not '" + transactionPrefix + "'");
    }
    String topic = cdc.string("topic").trim();
    String group = cdc.string("group-id").trim();
    return new InventorySettings(paths.string("stock-levels"), paths.string("reservations"), paths.string("release"),
        paths.string("consumption"), location, prefix, transactionPrefix, inventory.string("reserved-by"),
        inventory.duration("expected-consumption-after", Duration.ZERO, Duration.ofDays(30)),
        inventory.duration("reservation-answer-wait", Duration.ZERO, Duration.ofMinutes(1)),
        root.section("kafka").section("topics").string("inventory"),
        cdc.bool("enabled"), topic.isEmpty() ? "inventory-cdc" : topic, group.isEmpty() ? "mraos-inventory-cdc" : group,
        cdc.integer("max-poll-records", 1, 100_000),
        cdc.duration("lag-warning", Duration.ofMillis(1), Duration.ofDays(1)),
        cdc.duration("status-interval", Duration.ofMillis(100), Duration.ofMinutes(10)),
        cdc.duration("applied-retention", Duration.ofHours(1), Duration.ofDays(3650)),
        cdc.bool("publish-changes"));
  }

  /** The release path of one reservation. */
  String releasePath(String reservationId) {
    return releasePath.replace("{reservation_id}", reservationId);
  }
}
