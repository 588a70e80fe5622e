package mraos.config;

/**
 * How ERP's new work orders are stored: up to {@code batchSize} orders per statement, at most
 * {@code statementsInFlight} statements at once per node (orders arriving meanwhile gather for the next).
 */
public record IntakeConfig(int batchSize, int statementsInFlight) {
  /** Each order in a statement of its own, as soon as it comes. */
  public static final IntakeConfig ONE_AT_A_TIME = new IntakeConfig(1, Integer.MAX_VALUE);

  static IntakeConfig from(Settings s) {
    return new IntakeConfig(s.integer("batch-size", 1, 1_000), s.integer("statements-in-flight", 1, 1_000));
  }
}
