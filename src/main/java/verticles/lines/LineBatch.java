package verticles.lines;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import mraos.workorders.CountOutcome;
import mraos.workorders.OrderRun;
import mraos.workorders.ProducedCounts;
import mraos.workorders.WorkOrders;
import verticles.lines.MesMessage.Count;
import verticles.lines.MesMessage.Inspection;
import verticles.lines.MesMessage.Refused;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One batch of a line's MES messages, applied in order: counts (through the work-order area, which owns the work
 * orders), inspections, downtime and machine status ({@link MachineEvents}), dead letters for what cannot be applied,
 * and the events for Kafka. Counts and inspections for an order that does not run on their machine (and counts after
 * their order reached its quantity) are not applied: the outcome lists them ({@link Refusal}) and the line makes them
 * dead letters ({@link LineRefusals}). A batch of counts only, for work orders the line has met before, is one statement through
 * the node's shared writer ({@link #applyCounts}); any other is one transaction ({@link #apply}).
 */
final class LineBatch {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LineBatch.class);

  /** Work orders a line remembers as known before it starts over. */
  static final int KNOWN_ORDERS_KEPT = 100_000;

  /** What the batch changed, for the live feed, the line's memory and the completion workflow. */
  record Outcome(Map<String, String> machineStatuses, Map<String, Instant> statusTimes, List<JsonObject> live,
                 Set<String> completionsDue, int applied, int refused, List<Progress> progress, List<Refusal> refusals) {
  }

  /** A message of the batch (by its place in it) the work-order area's state refused, and why; nothing of it written. */
  record Refusal(int index, String reason) {
  }

  /** A work order a batch's counts moved: its status, and whether its progress event was written (or is held). */
  record Progress(String workOrderId, String status, boolean published) {
  }

  /**
   * What the batch needs to know about where it runs.
   *
   * @param statusTimes per machine, the time (the MES's) of the status the line holds: a status snapshot older than that
   *                    is stale and not applied ({@link MachineEvents})
   * @param throttle    which progress events are due ({@link ProgressThrottle}; read only here, the line updates it
   *                    after the commit), as of {@code nanos} (System.nanoTime at the batch's start)
   * @param carried     held progress events now due, for orders not in the batch: written with it, with the orders'
   *                    figures as they are
   */
  record Context(String lineId, Instant now, String resourceStatusTopic, WorkOrders workOrders, DeadLetters failures,
                 Map<String, Instant> statusTimes, ProgressThrottle throttle, long nanos, List<ProgressThrottle.Held> carried) {
  }

  private final Context context;
  private final Map<String, String> statuses;
  private final Map<String, Instant> statusTimes;
  private final BatchEffects effects;
  private final Set<String> completionsDue = new LinkedHashSet<>();
  private final List<Progress> progress = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private int refused;

  private LineBatch(Context context, Map<String, String> statusesBefore) {
    this.context = context;
    this.statuses = new HashMap<>(statusesBefore);
    this.statusTimes = new HashMap<>(context.statusTimes());
    this.effects = new BatchEffects(context.lineId(), context.now());
  }

  /** Whether a batch can go the one-statement way: counts only, every work order known to the line. */
  static boolean countsOnly(List<MesMessage> messages, Set<String> knownOrders) {
    for (MesMessage m : messages) {
      if (!(m instanceof Count c) || !knownOrders.contains(c.workOrderId())) {
        return false;
      }
    }
    return !messages.isEmpty();
  }

  /** A batch that {@link #countsOnly} allows, through the node's shared writer of counts. */
  static Future<Outcome> applyCounts(Context context, List<MesMessage> messages, Map<String, String> statuses) {
    LineBatch batch = new LineBatch(context, statuses);
    return context.workOrders().countShared(batch.counts(messages)).map(counted -> {
      batch.counted(messages, counted);
      return batch.outcome(messages.size() - batch.refusals.size());
    });
  }

  /**
   * Any batch, in the caller's transaction.
   *
   * @param knownOrders work orders already found in MRAOS (they are never deleted): only the others are looked up, and
   *                    those found are added. Touched on the caller's context only.
   */
  static Future<Outcome> apply(SqlConnection tx, Context context, List<MesMessage> messages, Map<String, String> statuses,
                               Set<String> knownOrders) {
    LineBatch batch = new LineBatch(context, statuses);
    return batch.known(tx, messages, knownOrders).compose(orders -> {
      List<MesMessage> checked = new ArrayList<>(messages.size());
      for (MesMessage m : messages) {
        checked.add(withKnownOrder(m, orders));
      }
      return batch.run(tx, checked).map(v -> batch.outcome(messages.size() - batch.refused - batch.refusals.size()));
    });
  }

  private Future<Void> run(SqlConnection tx, List<MesMessage> messages) {
    ProducedCounts counts = counts(messages);
    Future<Void> counted = counts.units().isEmpty() && counts.carried().isEmpty() ? Future.succeededFuture()
        : context.workOrders().count(tx, counts).map(outcome -> {
          counted(messages, outcome);
          return null;
        });
    return counted
        .compose(v -> runningOrders(tx, messages))
        .compose(applicable -> Inspections.apply(tx, applicable, context.workOrders(), effects))
        .compose(v -> new MachineEvents(effects, context.resourceStatusTopic(), statuses, statusTimes).apply(tx, messages))
        .compose(v -> deadLetters(tx, messages))
        .compose(v -> effects.writeEvents(tx));
  }

  private ProducedCounts counts(List<MesMessage> messages) {
    return LineCounts.of(context.lineId(), context.now(), messages, context.throttle(), context.nanos(), context.carried());
  }

  /** What the work-order area made of the counts: progress, completions due, and the counts it refused. */
  private void counted(List<MesMessage> messages, CountOutcome outcome) {
    LineCounts.progressed(outcome.moved(), effects, progress, completionsDue);
    if (outcome.refused().isEmpty()) {
      return;
    }
    Map<String, String> why = new HashMap<>();
    outcome.refused().forEach(r -> why.put(r.dedupKey(), r.reason()));
    for (int i = 0; i < messages.size(); i++) {
      // the first of a count delivered twice in the batch stands for both: one dead letter
      if (messages.get(i) instanceof Count c && why.containsKey(c.dedupKey())) {
        refusals.add(new Refusal(i, why.remove(c.dedupKey())));
      }
    }
  }

  /**
   * The batch without the inspections whose work order does not run on their machine (read with a share lock, after the
   * batch's counts): those are refused.
   */
  private Future<List<MesMessage>> runningOrders(SqlConnection tx, List<MesMessage> messages) {
    Set<String> named = new HashSet<>();
    messages.forEach(m -> {
      if (m instanceof Inspection i && i.workOrderId() != null) {
        named.add(i.workOrderId());
      }
    });
    if (named.isEmpty()) {
      return Future.succeededFuture(messages);
    }
    return context.workOrders().runs(tx, named).map(runs -> {
      List<MesMessage> applicable = new ArrayList<>(messages.size());
      for (int i = 0; i < messages.size(); i++) {
        String why = messages.get(i) instanceof Inspection insp && insp.workOrderId() != null
            ? runs.getOrDefault(insp.workOrderId(), new OrderRun(insp.workOrderId(), null, null)).refusal(insp.machineId())
            : null;
        if (why == null) {
          applicable.add(messages.get(i));
        } else {
          refusals.add(new Refusal(i, why));
        }
      }
      return applicable;
    });
  }

  /** The work orders the batch's counts and inspections name, those not known yet looked up. */
  private Future<Set<String>> known(SqlConnection tx, List<MesMessage> messages, Set<String> knownOrders) {
    Set<String> unknown = new HashSet<>();
    for (MesMessage m : messages) {
      if (m instanceof Count c && !knownOrders.contains(c.workOrderId())) {
        unknown.add(c.workOrderId());
      } else if (m instanceof Inspection i && i.workOrderId() != null && !knownOrders.contains(i.workOrderId())) {
        unknown.add(i.workOrderId());
      }
    }
    if (unknown.isEmpty()) {
      return Future.succeededFuture(knownOrders);
    }
    return context.workOrders().known(tx, unknown).map(found -> {
      if (knownOrders.size() > KNOWN_ORDERS_KEPT) {
        knownOrders.clear();
      }
      knownOrders.addAll(found);
      return knownOrders;
    });
  }

  /** A count or inspection for a work order MRAOS does not hold cannot be applied. */
  private static MesMessage withKnownOrder(MesMessage m, Set<String> orders) {
    if (m instanceof Count c && !orders.contains(c.workOrderId())) {
      return new Refused(c.machineId(), c.timestamp(), MesMessage.COUNT, "Work order " + c.workOrderId() + " is not known to MRAOS",
          c.original());
    }
    if (m instanceof Inspection i && i.workOrderId() != null && !orders.contains(i.workOrderId())) {
      return new Refused(i.machineId(), i.timestamp(), MesMessage.INSPECTION, "Work order " + i.workOrderId()
          + " is not known to MRAOS", i.original());
    }
    return m;
  }

  private Future<Void> deadLetters(SqlConnection tx, List<MesMessage> messages) {
    Future<Void> chain = Future.succeededFuture();
    Refused first = null;
    for (MesMessage m : messages) {
      if (m instanceof Refused r) {
        first = first == null ? r : first;
        refused++;
        IntegrationFailure failure = IntegrationFailure.forReview(context.now(), r.integrationType(), "inbound", "MES",
            r.original().put("line_id", context.lineId()), IntegrationFailure.VALIDATION_ERROR, r.reason(), null);
        chain = chain.compose(v -> context.failures().record(tx, failure)).mapEmpty();
      }
    }
    if (first != null) { // a line per batch, not per message: a flood of bad messages does not flood the log
      LOG.warn("Line {}: {} message(s) kept as dead letters ({}: {}{})", context.lineId(), refused, first.integrationType(),
          first.reason(), refused > 1 ? "; ..." : "");
    }
    return chain;
  }

  private Outcome outcome(int applied) {
    refusals.sort(java.util.Comparator.comparingInt(Refusal::index));
    return new Outcome(statuses, statusTimes, effects.live(), completionsDue, applied, refused, progress, refusals);
  }

  static JsonObject countJson(Count c) {
    return new JsonObject().put("machine_id", c.machineId()).put("work_order_id", c.workOrderId())
        .put("timestamp", c.timestamp().toString()).put("units_produced", c.unitsProduced())
        .put("cumulative_units", c.cumulativeUnits());
  }
}
