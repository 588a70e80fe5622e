package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.http.ErrorCode;
import mraos.http.Responses;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The documents the simulated ERP books from MRAOS, completion reports and consumption batches: checked for their
 * mandatory fields, accepted once each however often they are sent, and confirmed with an id of ERP's own.
 */
final class ErpBookings {

  private final Clock clock;
  private final Journal completions = new Journal();
  private final Journal consumptionBatches = new Journal();
  /** Never reset, so a confirmation id is never handed out twice by one simulator. */
  private final AtomicLong confirmations = new AtomicLong();
  /** Told of each completion report the first time it is accepted (on the server's event loop). */
  private volatile Consumer<Receipt> completionListener = receipt -> { };

  ErpBookings(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void onCompletion(Consumer<Receipt> listener) {
    completionListener = Objects.requireNonNull(listener, "listener");
  }

  List<Receipt> completionReceipts() {
    return completions.receipts();
  }

  List<Receipt> consumptionReceipts() {
    return consumptionBatches.receipts();
  }

  void clear() {
    completions.clear();
    consumptionBatches.clear();
  }

  // ---- routes

  void completionReport(RoutingContext ctx) {
    JsonObject report = JsonBodies.object(ctx);
    List<String> invalid = invalidFields(report, "", List.of("erp_work_order_id", "mraos_work_order_id"), List.of("quantity_produced"));
    book(ctx, completions, report, "mraos_work_order_id", invalid, receipt -> new JsonObject()
        .put("erp_work_order_id", receipt.body().getString("erp_work_order_id")), completionListener);
  }

  void consumptionBatch(RoutingContext ctx) {
    JsonObject batch = JsonBodies.object(ctx);
    List<String> invalid = invalidFields(batch, "", List.of("batch_id"), List.of());
    if (!(batch.getValue("lines") instanceof JsonArray lines)) {
      invalid.add("lines");
    } else {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.getValue(i) instanceof JsonObject line) {
          invalid.addAll(invalidFields(line, "lines[" + i + "].", List.of("material_id", "work_order_id"), List.of("quantity_consumed")));
        } else {
          invalid.add("lines[" + i + "]");
        }
      }
    }
    book(ctx, consumptionBatches, batch, "batch_id", invalid, receipt -> new JsonObject()
        .put("batch_id", receipt.body().getString("batch_id"))
        .put("lines_accepted", receipt.body().getJsonArray("lines").size()), receipt -> { });
  }

  /** The control API's list of the completion reports accepted. */
  void listCompletions(RoutingContext ctx) {
    Responses.json(ctx, 200, new JsonObject().put("completions", receiptsJson(completions)));
  }

  /** The control API's list of the consumption batches accepted. */
  void listConsumptionBatches(RoutingContext ctx) {
    Responses.json(ctx, 200, new JsonObject().put("consumption_batches", receiptsJson(consumptionBatches)));
  }

  /** Refuses a document with invalid fields (400), else books it once and answers with the (first) receipt. */
  private void book(RoutingContext ctx, Journal journal, JsonObject document, String idField, List<String> invalid,
      Function<Receipt, JsonObject> details, Consumer<Receipt> whenNew) {
    if (!invalid.isEmpty()) {
      Responses.json(ctx, 400, Answers.error(ErrorCode.INT_003, "Mandatory fields missing or invalid: " + String.join(", ", invalid))
          .put("fields", new JsonArray(invalid)));
      return;
    }
    boolean[] fresh = {false}; // a confirmation id is drawn only for a document not accepted before
    Receipt receipt = journal.accept(idempotencyKey(ctx), document.getString(idField), document, clock.instant(), () -> {
      fresh[0] = true;
      return nextConfirmationId();
    });
    if (fresh[0]) {
      whenNew.accept(receipt);
    }
    Responses.json(ctx, 200, new JsonObject()
        .put("status", "success")
        .put("erp_confirmation_id", receipt.confirmationId())
        .mergeIn(details.apply(receipt)));
  }

  /** The fields (named with this prefix) that are not non-blank texts or not numbers as they must be. */
  private static List<String> invalidFields(JsonObject document, String prefix, List<String> texts, List<String> numbers) {
    List<String> invalid = new ArrayList<>();
    for (String field : texts) {
      if (!(document.getValue(field) instanceof String text) || text.isBlank()) {
        invalid.add(prefix + field);
      }
    }
    for (String field : numbers) {
      if (!(document.getValue(field) instanceof Number)) {
        invalid.add(prefix + field);
      }
    }
    return invalid;
  }

  private static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader(ErpSimulator.IDEMPOTENCY_KEY);
    return key == null || key.isBlank() ? null : key.trim();
  }

  private String nextConfirmationId() {
    return String.format("CONF-%06d", confirmations.incrementAndGet());
  }

  private static JsonArray receiptsJson(Journal journal) {
    return new JsonArray(journal.receipts().stream().map(Receipt::toJson).toList());
  }
}
