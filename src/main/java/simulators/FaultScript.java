package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a test scripted to go wrong, per exact request path: each {@link Fault} is used by one request, in order.
 * Concurrent: tests script while the server's event loop uses them up.
 */
final class FaultScript {

  private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();

  void add(String path, Fault... scripted) {
    Objects.requireNonNull(path, "path");
    Queue<Fault> queue = faults.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
    for (Fault fault : scripted) {
      queue.add(Objects.requireNonNull(fault, "fault"));
    }
  }

  /** The next fault for this path, taken from the script; null if none is left. */
  Fault next(String path) {
    Queue<Fault> queue = faults.get(path);
    return queue == null ? null : queue.poll();
  }

  List<Fault> pending(String path) {
    Queue<Fault> queue = faults.get(path);
    return queue == null ? List.of() : List.copyOf(queue);
  }

  /** The faults not yet used, as arrays under their paths (paths with none left are left out). */
  JsonObject pendingJson() {
    Map<String, Object> byPath = new LinkedHashMap<>();
    faults.forEach((path, queue) -> {
      if (!queue.isEmpty()) {
        byPath.put(path, new JsonArray(queue.stream().map(Fault::toJson).toList()));
      }
    });
    return new JsonObject(byPath);
  }

  void clear() {
    faults.clear();
  }
}
