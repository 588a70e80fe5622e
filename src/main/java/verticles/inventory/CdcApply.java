package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.config.MraosConfig;
import mraos.events.Outbox;
import mraos.failures.DeadLetters;
import mraos.failures.IntegrationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batch of CDC events (spec §6.3) to the replica in the caller's transaction, in the order they came (the
 * stream is keyed by material, so each material's events come in the warehouse's order):
 * <ul>
 *   <li>an event already applied (same transaction, material and field) changes nothing: a duplicate or replay;</li>
 *   <li>an event older, by the warehouse's time, than what the replica holds for that field is stale and ignored (so is
 *       one of the same moment whose new value the replica already holds: a stock pull got there first);</li>
 *   <li>an event whose old value is not what the replica holds for the field is a gap (events were missed, or the
 *       replica never saw the material): its new value is applied, and the material is pulled from the warehouse after
 *       the commit, which heals what was missed;</li>
 *   <li>an event that cannot be read is kept as an integration failure with the record as it came, and logged.</li>
 * </ul>
 * The rows touched are written once per batch (each material's final state), with one event per changed material and
 * each reorder alert raised or cleared on topic {@code inventory}.
 */
final class CdcApply {

  private static final Logger LOG = LoggerFactory.getLogger(CdcApply.class);
  static final String INTEGRATION_TYPE = "inventory_cdc";

  static final String ALREADY = """
      SELECT transaction_id, material_id, field_changed FROM inventory_cdc_applied
       WHERE (transaction_id, material_id, field_changed) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))""";
  static final String RECORD = """
      INSERT INTO inventory_cdc_applied (transaction_id, material_id, field_changed, outcome, source_at, applied_at)
      SELECT t.*, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t
      ON CONFLICT DO NOTHING""";

  /** A Kafka record as it came: where from, and its value. */
  record Input(String topic, int partition, long offset, String key, String value) {
  }

  /** What a batch did; {@code sourceTimes}: the warehouse's time of each event applied (for the lag). */
  record Result(int applied, int duplicates, int stale, int gaps, int invalid, Set<String> heal, List<Instant> sourceTimes,
                StockEvents.Batch events) {
  }

  private CdcApply() {
  }

  static Future<Result> apply(SqlConnection tx, List<Input> inputs, Instant now, InventorySettings settings,
                              DeadLetters deadLetters) {
    List<CdcEvent> events = new ArrayList<>();
    List<Future<?>> refused = new ArrayList<>();
    for (Input in : inputs) {
      try {
        events.add(CdcEvent.parse(in.value()));
      } catch (IllegalArgumentException e) {
        LOG.warn("Inventory CDC: record {}-{}@{} refused ({}); kept as an integration failure", in.topic(), in.partition(),
            in.offset(), e.getMessage());
        JsonObject original = original(in);
        refused.add(deadLetters.record(tx, IntegrationFailure.forReview(now, INTEGRATION_TYPE, "inbound",
            MraosConfig.INVENTORY, original, IntegrationFailure.VALIDATION_ERROR, "CDC event refused: " + e.getMessage(),
            in.topic() + "-" + in.partition() + "@" + in.offset())));
      }
    }
    Set<String> materials = new LinkedHashSet<>();
    events.forEach(e -> materials.add(e.materialId()));
    String[] txns = events.stream().map(CdcEvent::transactionId).toArray(String[]::new);
    String[] ids = events.stream().map(CdcEvent::materialId).toArray(String[]::new);
    String[] fields = events.stream().map(CdcEvent::field).toArray(String[]::new);
    StockEvents.Batch out = new StockEvents.Batch(settings.inventoryTopic(), now, "cdc",
        settings.cdcPublishChanges());
    Future<Set<String>> already = events.isEmpty() ? Future.succeededFuture(Set.of())
        : tx.preparedQuery(ALREADY).execute(Tuple.of(txns, ids, fields)).map(rows -> {
          Set<String> seen = new HashSet<>();
          rows.forEach(r -> seen.add(r.getString(0) + "\u0000" + r.getString(1) + "\u0000" + r.getString(2)));
          return seen;
        });
    return Future.all(refused).compose(v -> already).compose(seen -> StockStore.lock(tx, materials)
        .compose(held -> StockStore.fieldTimes(tx, materials).compose(times ->
            evaluate(tx, events, seen, held, times, now, out, inputs.size() - events.size()))));
  }

  private static Future<Result> evaluate(SqlConnection tx, List<CdcEvent> events, Set<String> seen, Map<String, Stock> held,
                                         Map<String, Map<String, Instant>> times, Instant now, StockEvents.Batch out,
                                         int invalid) {
    Map<String, Stock> states = new LinkedHashMap<>();
    Map<String, Map<String, Instant>> newTimes = new HashMap<>();
    Set<String> heal = new LinkedHashSet<>();
    List<Instant> sourceTimes = new ArrayList<>();
    List<String[]> rows = new ArrayList<>();
    List<OffsetDateTime> rowTimes = new ArrayList<>();
    int duplicates = 0;
    int stale = 0;
    int gaps = 0;
    Set<String> keys = new HashSet<>(seen);
    for (CdcEvent e : events) {
      if (!keys.add(e.key())) {
        duplicates++;
        continue;
      }
      Map<String, Instant> fieldTimes = times.computeIfAbsent(e.materialId(), k -> new HashMap<>());
      Instant holds = fieldTimes.get(e.field());
      String outcome;
      Stock known = held.get(e.materialId());
      Stock current = states.containsKey(e.materialId()) ? states.get(e.materialId()) : known;
      boolean alreadyHeld = holds != null && !e.timestamp().isAfter(holds) && current != null
          && current.field(e.field()).compareTo(e.newValue()) == 0; // a pull of the same moment got there first
      if (holds != null && e.timestamp().isBefore(holds) || alreadyHeld) {
        stale++;
        outcome = "stale";
      } else {
        Stock state = states.computeIfAbsent(e.materialId(), id -> known == null ? null : known.copy());
        boolean gap = state == null || (e.oldValue() != null && state.field(e.field()).compareTo(e.oldValue()) != 0);
        if (state == null) {
          state = new Stock(e.materialId());
          states.put(e.materialId(), state);
        }
        state.set(e.field(), e.newValue());
        state.lastTransactionId = e.transactionId();
        state.lastUpdated = state.lastUpdated == null || e.timestamp().isAfter(state.lastUpdated) ? e.timestamp()
            : state.lastUpdated;
        fieldTimes.put(e.field(), e.timestamp());
        newTimes.computeIfAbsent(e.materialId(), k -> new HashMap<>()).put(e.field(), e.timestamp());
        sourceTimes.add(e.timestamp());
        if (gap) {
          gaps++;
          heal.add(e.materialId());
          outcome = "gap";
        } else {
          outcome = "applied";
        }
      }
      rows.add(new String[] {e.transactionId(), e.materialId(), e.field(), outcome});
      rowTimes.add(StockStore.utc(e.timestamp()));
    }
    states.forEach((id, after) -> out.compare(held.get(id), after, "cdc"));
    int applied = sourceTimes.size() - gaps;
    int staleCount = stale;
    int duplicateCount = duplicates;
    int gapCount = gaps;
    Future<Void> recorded = rows.isEmpty() ? Future.<Void>succeededFuture() : tx.preparedQuery(RECORD).execute(Tuple.of(
        rows.stream().map(r -> r[0]).toArray(String[]::new), rows.stream().map(r -> r[1]).toArray(String[]::new),
        rows.stream().map(r -> r[2]).toArray(String[]::new), rows.stream().map(r -> r[3]).toArray(String[]::new),
        rowTimes.toArray(OffsetDateTime[]::new), StockStore.utc(now))).<Void>mapEmpty();
    return recorded
        .compose(v -> StockStore.write(tx, states.values(), now))
        .compose(v -> StockStore.writeFieldTimes(tx, newTimes))
        .compose(v -> Outbox.appendAll(tx, out.outbox))
        .map(v -> new Result(applied, duplicateCount, staleCount, gapCount, invalid, heal, sourceTimes, out));
  }

  /** The record as it came, for the dead letter: its value as JSON when it is JSON, else as text. */
  private static JsonObject original(Input in) {
    JsonObject where = new JsonObject().put("topic", in.topic()).put("partition", in.partition()).put("offset", in.offset())
        .put("key", in.key());
    try {
      return where.put("value", new JsonObject(in.value()));
    } catch (RuntimeException e) {
      return where.put("value", in.value());
    }
  }
}
