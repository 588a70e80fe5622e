package mraos.db;

import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Items written in batches, one statement per batch: a statement's fixed cost (its plan set up, its round trip, its
 * commit) is most of what a small item costs PostgreSQL, so under load the statements grow instead of multiplying. At
 * most {@code statementsInFlight} statements run at once; an item arriving while fewer run goes out at once (alone on
 * a quiet node, so batching adds no wait), the others gather for the next statement, up to {@code maxBatch} items, in
 * their order. Two items that share a key never share a statement (the later one waits for the next). Every item keeps
 * its own answer, given on the context it was handed in from. If a statement of several items fails and
 * {@code retryAlone} accepts the failure (PostgreSQL refusing one item's data, say), each of its items is tried again
 * in a statement of its own, one after the other, so one bad item fails only itself.
 * <p>
 * Thread-safe: one instance per node ({@link #shared}) takes items from every event loop.
 *
 * @param <T> an item to write
 * @param <R> an item's answer
 */
public final class BatchedStatements<T, R> implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchedStatements.class);
  private static final String MAP = "mraos.batched-statements";

  /** What a batch becomes: one statement, and each item's answer from its rows. */
  public interface Statement<T, R> {
    Future<RowSet<Row>> execute(List<T> batch);

    /** Each item's answer, in the batch's order. */
    List<R> answers(List<T> batch, RowSet<Row> rows);
  }

  private record Waiting<T, R>(T item, Context context, Promise<R> answer) {
  }

  private final String items;
  private final int statementsInFlight;
  private final int maxBatch;
  private final Function<T, Collection<String>> keys;
  private final Predicate<Throwable> retryAlone;
  private final DistributionSummary itemsPerStatement;
  private final Statement<T, R> statement;
  private final ArrayDeque<Waiting<T, R>> queue = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param items what the items are, for the log ("work orders")
   * @param keys an item's keys: items sharing one never share a statement
   * @param itemsPerStatement records the size of every statement run
   */
  public BatchedStatements(String items, int statementsInFlight, int maxBatch, Function<T, Collection<String>> keys,
                           Predicate<Throwable> retryAlone, DistributionSummary itemsPerStatement, Statement<T, R> statement) {
    if (statementsInFlight < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("statementsInFlight and maxBatch must be at least 1");
    }
    this.items = Objects.requireNonNull(items);
    this.statementsInFlight = statementsInFlight;
    this.maxBatch = maxBatch;
    this.keys = Objects.requireNonNull(keys);
    this.retryAlone = Objects.requireNonNull(retryAlone);
    this.itemsPerStatement = Objects.requireNonNull(itemsPerStatement);
    this.statement = Objects.requireNonNull(statement);
  }

  /**
   * Whether PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint
   * violation): the statement would fail again as it is, and its items are worth trying one by one.
   */
  public static boolean isDataError(Throwable failure) {
    return failure instanceof DatabaseException db && db.getSqlState() != null
        && (db.getSqlState().startsWith("22") || db.getSqlState().startsWith("23"));
  }

  /** The node's one writer named {@code name} (the first verticle to ask makes it, with its settings). */
  public static <W extends Shareable> W shared(Vertx vertx, String name, Supplier<W> make) {
    LocalMap<String, W> map = vertx.sharedData().getLocalMap(MAP);
    W existing = map.get(name);
    if (existing != null) {
      return existing;
    }
    W made = make.get();
    existing = map.putIfAbsent(name, made);
    return existing != null ? existing : made;
  }

  /** Writes the item with the next statement (or at once, if one is to spare); answers on the caller's context. */
  public Future<R> write(T item) {
    Context context = Objects.requireNonNull(Vertx.currentContext(), "called from a Vert.x context");
    Promise<R> answer = Promise.promise();
    List<Waiting<T, R>> next;
    synchronized (this) {
      queue.add(new Waiting<>(item, context, answer));
      next = take();
    }
    run(next);
    return answer.future();
  }

  /** The next statement's items, if a statement is to spare: in their order, no key twice. Null when none may go. */
  private List<Waiting<T, R>> take() {
    if (inFlight >= statementsInFlight || queue.isEmpty()) {
      return null;
    }
    List<Waiting<T, R>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    Set<String> taken = new HashSet<>();
    for (Iterator<Waiting<T, R>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
      Waiting<T, R> w = it.next();
      Collection<String> its = keys.apply(w.item());
      if (batch.isEmpty() || its.stream().noneMatch(taken::contains)) {
        batch.add(w);
        taken.addAll(its);
        it.remove();
      }
    }
    inFlight++;
    return batch;
  }

  private void run(List<Waiting<T, R>> batch) {
    if (batch == null) {
      return;
    }
    execute(batch).onComplete(ar -> {
      if (ar.failed() && batch.size() > 1 && retryAlone.test(ar.cause())) {
        LOG.warn("A statement of {} {} failed ({}); each is tried again alone", batch.size(), items, ar.cause().getMessage());
        alone(batch, 0);
        return;
      }
      try {
        answer(batch, ar.succeeded() ? ar.result() : null, ar.cause());
      } finally {
        done(); // whatever happened above, the next statement may go
      }
    });
  }

  /** After a failed statement of several items: each in a statement of its own, one after the other. */
  private void alone(List<Waiting<T, R>> batch, int i) {
    if (i == batch.size()) {
      done();
      return;
    }
    List<Waiting<T, R>> one = List.of(batch.get(i));
    execute(one).onComplete(ar -> {
      try {
        answer(one, ar.succeeded() ? ar.result() : null, ar.cause());
      } finally {
        alone(batch, i + 1);
      }
    });
  }

  private Future<RowSet<Row>> execute(List<Waiting<T, R>> batch) {
    itemsPerStatement.record(batch.size());
    try {
      return statement.execute(batch.stream().map(Waiting::item).toList());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Each item's answer (or the statement's failure) on the context it came from. */
  private void answer(List<Waiting<T, R>> batch, RowSet<Row> rows, Throwable failure) {
    List<R> answers = null;
    if (failure == null) {
      try {
        answers = statement.answers(batch.stream().map(Waiting::item).toList(), rows);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      Waiting<T, R> w = batch.get(i);
      if (failure == null) {
        R answer = answers.get(i);
        w.context().runOnContext(v -> w.answer().complete(answer));
      } else {
        Throwable cause = failure;
        w.context().runOnContext(v -> w.answer().fail(cause));
      }
    }
  }

  private void done() {
    List<Waiting<T, R>> next;
    synchronized (this) {
      inFlight--;
      next = take();
    }
    run(next);
  }
}
