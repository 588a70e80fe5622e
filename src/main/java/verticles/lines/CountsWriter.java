package verticles.lines;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import mraos.metrics.Meters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The node's writer of batches of counts ({@link LineBatch.Counts}), shared by the lines this node runs. A line hands
 * it a batch and gets that batch's outcome; batches of several lines that wait while a statement runs go together in
 * the next one ({@link LineBatch#COUNTS_WITH_EVENTS}, one round trip, one commit), which spares PostgreSQL a
 * statement's fixed cost per line: under load the statements grow instead of multiplying. Each line still has at most
 * one batch here, so its batches stay in its order. Two batches that touch the same work order never share a statement
 * (the later one waits for the next). If PostgreSQL refuses a shared statement's data, each batch in it is tried again
 * alone, so one line's bad data fails only that line's batch. Thread-safe: lines call it from their own event loops,
 * and each gets its answer on its own.
 */
final class CountsWriter implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(CountsWriter.class);
  private static final String MAP = "mraos.lines";
  private static final String KEY = "counts-writer";

  /** A line's batch waiting for its statement, and where to answer. */
  private record Waiting(Pool pool, LineBatch.Counts counts, Context context, Promise<List<Row>> answer) {
  }

  private final int statementsInFlight;
  private final DistributionSummary batchesPerStatement;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private int inFlight;

  CountsWriter(int statementsInFlight, MeterRegistry meters) {
    this.statementsInFlight = statementsInFlight;
    this.batchesPerStatement = DistributionSummary.builder(Meters.MES_COUNT_STATEMENT_BATCHES)
        .description("Lines' batches of counts written per statement").register(meters);
  }

  /** The writer of the lines on this Vert.x instance (the first line to ask makes it, with its settings). */
  static CountsWriter of(Vertx vertx, int statementsInFlight, MeterRegistry meters) {
    LocalMap<String, CountsWriter> map = vertx.sharedData().getLocalMap(MAP);
    CountsWriter existing = map.get(KEY);
    if (existing != null) {
      return existing;
    }
    CountsWriter made = new CountsWriter(statementsInFlight, meters);
    existing = map.putIfAbsent(KEY, made);
    return existing != null ? existing : made;
  }

  /**
   * Writes a line's batch (with the next statement, or at once if one is to spare) through {@code pool}, and answers
   * on the caller's context with the statement's rows for that batch's line.
   */
  Future<List<Row>> write(Pool pool, LineBatch.Counts counts) {
    Context context = Objects.requireNonNull(Vertx.currentContext(), "called from a line's context");
    Promise<List<Row>> answer = Promise.promise();
    List<Waiting> next;
    synchronized (this) {
      queue.add(new Waiting(pool, counts, context, answer));
      next = take();
    }
    run(next);
    return answer.future();
  }

  /** The waiting batches the next statement takes, if a statement is to spare: in order, no work order twice. */
  private List<Waiting> take() {
    if (inFlight >= statementsInFlight || queue.isEmpty()) {
      return null;
    }
    List<Waiting> taken = new ArrayList<>();
    Set<String> orders = new HashSet<>();
    for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      Set<String> its = w.counts().workOrders();
      if (taken.isEmpty() || its.stream().noneMatch(orders::contains)) {
        taken.add(w);
        orders.addAll(its);
        it.remove();
      }
    }
    inFlight++;
    return taken;
  }

  private void run(List<Waiting> batches) {
    if (batches == null) {
      return;
    }
    batchesPerStatement.record(batches.size());
    execute(batches).onComplete(ar -> {
      if (ar.failed() && batches.size() > 1 && isDataError(ar.cause())) {
        LOG.warn("PostgreSQL refused a statement of {} lines' batches of counts ({}); each is tried again alone",
            batches.size(), ar.cause().getMessage());
        alone(batches, 0);
        return;
      }
      try {
        if (ar.succeeded()) {
          answer(batches, ar.result());
        } else {
          batches.forEach(w -> fail(w, ar.cause()));
        }
      } finally {
        done(); // whatever happened above, the next statement may go
      }
    });
  }

  /** After a refused shared statement: each batch in a statement of its own, one after the other. */
  private void alone(List<Waiting> batches, int i) {
    if (i == batches.size()) {
      done();
      return;
    }
    Waiting w = batches.get(i);
    execute(List.of(w)).onComplete(ar -> {
      try {
        if (ar.succeeded()) {
          answer(List.of(w), ar.result());
        } else {
          fail(w, ar.cause());
        }
      } finally {
        alone(batches, i + 1);
      }
    });
  }

  private Future<RowSet<Row>> execute(List<Waiting> batches) {
    try {
      return batches.get(0).pool().preparedQuery(LineBatch.COUNTS_WITH_EVENTS)
          .execute(LineBatch.Counts.params(batches.stream().map(Waiting::counts).toList()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void done() {
    List<Waiting> next;
    synchronized (this) {
      inFlight--;
      next = take();
    }
    run(next);
  }

  /** Each batch gets the rows of the orders its line moved. */
  private static void answer(List<Waiting> batches, RowSet<Row> rows) {
    Map<String, List<Row>> byLine = new HashMap<>();
    for (Row row : rows) {
      byLine.computeIfAbsent(row.getString("reporting_line"), l -> new ArrayList<>()).add(row);
    }
    for (Waiting w : batches) {
      List<Row> its = byLine.getOrDefault(w.counts().lineId(), List.of());
      w.context().runOnContext(v -> w.answer().complete(its));
    }
  }

  private static void fail(Waiting w, Throwable cause) {
    w.context().runOnContext(v -> w.answer().fail(cause));
  }

  static boolean isDataError(Throwable cause) {
    return cause instanceof DatabaseException db && db.getSqlState() != null
        && (db.getSqlState().startsWith("22") || db.getSqlState().startsWith("23"));
  }
}
