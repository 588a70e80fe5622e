package verticles.workorders;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import mraos.db.BatchedStatements;
import mraos.metrics.Meters;
import mraos.workorders.CountOutcome;
import mraos.workorders.ProducedCounts;

import java.util.List;

/**
 * The node's writer of batches of counts, shared by the lines this node runs ({@link BatchedStatements}). A line hands
 * it a batch and gets that batch's outcome; batches of several lines that wait while a statement runs go together in
 * the next one ({@link ProductionCounts#STATEMENT}, one round trip, one commit), which spares PostgreSQL a statement's
 * fixed cost per line: under load the statements grow instead of multiplying. Each line still has at most one batch
 * here, so its batches stay in its order. Two batches that touch the same work order never share a statement (the
 * later one waits for the next). If PostgreSQL refuses a shared statement's data, each batch in it is tried again
 * alone, so one line's bad data fails only that line's batch. Thread-safe: lines call it from their own event loops,
 * and each gets its answer on its own.
 */
final class CountsWriter implements Shareable, BatchedStatements.Statement<ProducedCounts, CountOutcome> {

  private final Pool pool;
  private final String topic;
  private final BatchedStatements<ProducedCounts, CountOutcome> statements;

  CountsWriter(Pool pool, String topic, int statementsInFlight, MeterRegistry meters) {
    this.pool = pool;
    this.topic = topic;
    this.statements = new BatchedStatements<>("lines' batches of counts", statementsInFlight, Integer.MAX_VALUE,
        ProducedCounts::workOrders, BatchedStatements::isDataError,
        DistributionSummary.builder(Meters.MES_COUNT_STATEMENT_BATCHES)
            .description("Lines' batches of counts written per statement").register(meters), this);
  }

  /**
   * The writer of the lines on this Vert.x instance (the first to ask makes it, with its settings), writing through
   * {@code pool} (the node's batch pool) with events on {@code topic}.
   */
  static CountsWriter of(Vertx vertx, Pool pool, String topic, int statementsInFlight, MeterRegistry meters) {
    return BatchedStatements.shared(vertx, "counts-writer", () -> new CountsWriter(pool, topic, statementsInFlight, meters));
  }

  /**
   * Writes a line's batch (with the next statement, or at once if one is to spare), and answers on the caller's context
   * with the orders that batch moved and the counts refused.
   */
  Future<CountOutcome> write(ProducedCounts counts) {
    return statements.write(counts);
  }

  @Override
  public Future<RowSet<Row>> execute(List<ProducedCounts> batches) {
    return pool.preparedQuery(ProductionCounts.STATEMENT).execute(ProductionCounts.params(batches, topic));
  }

  /** Each batch gets the orders its line moved and its counts refused. */
  @Override
  public List<CountOutcome> answers(List<ProducedCounts> batches, RowSet<Row> rows) {
    return batches.stream().map(b -> ProductionCounts.outcome(rows, b.lineId())).toList();
  }
}
