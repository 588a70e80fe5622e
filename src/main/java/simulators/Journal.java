package simulators;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Documents of one kind a simulated system accepted, each once: a repeat, recognised by its {@code Idempotency-Key}
 * or, without one, by the document's own id (a work order id, a batch id), gets the first one's receipt back.
 * Synchronized: the server's event loop writes while test threads read.
 */
final class Journal {

  private final List<Receipt> accepted = new ArrayList<>();
  private final Map<String, Receipt> byIdempotencyKey = new HashMap<>();
  private final Map<String, Receipt> byDocumentId = new HashMap<>();

  /**
   * The receipt for this document: the earlier one if it is a repeat, else a new one.
   *
   * @param idempotencyKey the request's Idempotency-Key, or null
   * @param documentId     the document's own id; it identifies a repeat only when the request has no key
   */
  synchronized Receipt accept(String idempotencyKey, String documentId, JsonObject body, Instant at,
      Supplier<String> confirmationIds) {
    Receipt earlier = idempotencyKey != null ? byIdempotencyKey.get(idempotencyKey) : byDocumentId.get(documentId);
    if (earlier != null) {
      return earlier;
    }
    Receipt receipt = new Receipt(confirmationIds.get(), idempotencyKey, at, body.copy());
    accepted.add(receipt);
    if (idempotencyKey != null) {
      byIdempotencyKey.put(idempotencyKey, receipt);
    }
    byDocumentId.putIfAbsent(documentId, receipt);
    return receipt;
  }

  /** Copies, so a reader cannot change what the system holds. */
  synchronized List<Receipt> receipts() {
    return accepted.stream()
        .map(r -> new Receipt(r.confirmationId(), r.idempotencyKey(), r.receivedAt(), r.body().copy()))
        .toList();
  }

  synchronized void clear() {
    accepted.clear();
    byIdempotencyKey.clear();
    byDocumentId.clear();
  }
}
