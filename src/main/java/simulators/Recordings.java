package simulators;

import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests a simulated system received, oldest first, so a test can see what it was sent: all of them, or only the
 * latest ones when a long-running demo says so. Concurrent: the server's event loop adds while test threads read.
 */
final class Recordings {

  private final Queue<ReceivedRequest> received = new ConcurrentLinkedQueue<>();
  /** The queue's size, kept alongside (a ConcurrentLinkedQueue counts by walking). */
  private final AtomicInteger recorded = new AtomicInteger();
  private volatile int kept = Integer.MAX_VALUE;

  void add(ReceivedRequest request) {
    received.add(request);
    if (recorded.incrementAndGet() > kept && received.poll() != null) {
      recorded.decrementAndGet();
    }
  }

  List<ReceivedRequest> all() {
    return List.copyOf(received);
  }

  List<ReceivedRequest> of(String path) {
    Objects.requireNonNull(path, "path");
    return received.stream().filter(request -> request.path().equals(path)).toList();
  }

  void keepLatest(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1 (was " + limit + ")");
    }
    kept = limit;
  }

  void clear() {
    received.clear();
    recorded.set(0);
  }
}
