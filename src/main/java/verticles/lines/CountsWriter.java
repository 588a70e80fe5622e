package verticles.lines;

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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's writer of batches of counts ({@link LineBatch.Counts}), shared by the lines this node runs
 * ({@link BatchedStatements}). A line hands it a batch and gets that batch's outcome; batches of several lines that wait
 * while a statement runs go together in the next one ({@link LineBatch#COUNTS_WITH_EVENTS}, one round trip, one
 * commit), which spares PostgreSQL a statement's fixed cost per line: under load the statements grow instead of
 * multiplying. Each line still has at most one batch here, so its batches stay in its order. Two batches that touch
 * the same work order never share a statement (the later one waits for the next). If PostgreSQL refuses a shared
 * statement's data, each batch in it is tried again alone, so one line's bad data fails only that line's batch.
 * Thread-safe: lines call it from their own event loops, and each gets its answer on its own.
 */
final class CountsWriter implements Shareable, BatchedStatements.Statement<CountsWriter.Batch, List<Row>> {

  /** A line's batch, with the pool to write it through. */
  record Batch(Pool pool, LineBatch.Counts counts) {
  }

  private final BatchedStatements<Batch, List<Row>> statements;

  CountsWriter(int statementsInFlight, MeterRegistry meters) {
    this.statements = new BatchedStatements<>("lines' batches of counts", statementsInFlight, Integer.MAX_VALUE,
        b -> b.counts().workOrders(), BatchedStatements::isDataError,
        DistributionSummary.builder(Meters.MES_COUNT_STATEMENT_BATCHES)
            .description("Lines' batches of counts written per statement").register(meters), this);
  }

  /** The writer of the lines on this Vert.x instance (the first line to ask makes it, with its settings). */
  static CountsWriter of(Vertx vertx, int statementsInFlight, MeterRegistry meters) {
    return BatchedStatements.shared(vertx, "counts-writer", () -> new CountsWriter(statementsInFlight, meters));
  }

  /**
   * Writes a line's batch (with the next statement, or at once if one is to spare) through {@code pool}, and answers
   * on the caller's context with the statement's rows for that batch's line.
   */
  Future<List<Row>> write(Pool pool, LineBatch.Counts counts) {
    return statements.write(new Batch(pool, counts));
  }

  @Override
  public Future<RowSet<Row>> execute(List<Batch> batches) {
    return batches.get(0).pool().preparedQuery(LineBatch.COUNTS_WITH_EVENTS)
        .execute(LineBatch.Counts.params(batches.stream().map(Batch::counts).toList()));
  }

  /** Each batch gets the rows of the orders its line moved. */
  @Override
  public List<List<Row>> answers(List<Batch> batches, RowSet<Row> rows) {
    Map<String, List<Row>> byLine = new HashMap<>();
    for (Row row : rows) {
      byLine.computeIfAbsent(row.getString("reporting_line"), l -> new ArrayList<>()).add(row);
    }
    return batches.stream().map(b -> byLine.getOrDefault(b.counts().lineId(), List.<Row>of())).toList();
  }
}
