package verticles.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * A client's accepted requests per second of the node clock (epoch second → count), oldest first, as the rate limit
 * keeps them in shared data: {@code "1763475825:3,1763475826:1"}. Only the seconds that overlap the last minute count.
 */
record SecondCounts(List<long[]> seconds) {

  static final long WINDOW_MS = 60_000;
  private static final long SECOND_MS = 1_000;

  static SecondCounts parse(String stored) {
    List<long[]> seconds = new ArrayList<>();
    if (stored != null && !stored.isEmpty()) {
      for (String pair : stored.split(",")) {
        int colon = pair.indexOf(':');
        seconds.add(new long[] {Long.parseLong(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1))});
      }
    }
    return new SecondCounts(seconds);
  }

  /** The seconds that overlap the 60 s up to {@code nowMs}: a second still counts while any instant of it is that recent. */
  SecondCounts recent(long nowMs) {
    return new SecondCounts(seconds.stream().filter(s -> stillCounts(s[0], nowMs)).toList());
  }

  long total() {
    long total = 0;
    for (long[] s : seconds) {
      total += s[1];
    }
    return total;
  }

  /** These counts with one more request accepted at {@code nowMs}. */
  SecondCounts plusOne(long nowMs) {
    long second = Math.floorDiv(nowMs, SECOND_MS);
    List<long[]> next = new ArrayList<>(seconds.size() + 1);
    boolean added = false;
    for (long[] s : seconds) {
      if (s[0] == second) {
        next.add(new long[] {second, s[1] + 1});
        added = true;
      } else {
        next.add(s);
      }
    }
    if (!added) {
      next.add(new long[] {second, 1});
      next.sort((a, b) -> Long.compare(a[0], b[0]));
    }
    return new SecondCounts(next);
  }

  /** Milliseconds from {@code nowMs} until the oldest seconds have aged out enough for fewer than {@code limit} to count. */
  long millisUntilBelow(int limit, long nowMs) {
    long total = total();
    for (long[] s : seconds) {
      if (total < limit) {
        break;
      }
      total -= s[1];
      long agedOut = (s[0] + 1) * SECOND_MS + WINDOW_MS; // the first instant this second no longer overlaps the window
      if (total < limit) {
        return Math.max(0, agedOut - nowMs);
      }
    }
    return 0;
  }

  String encode() {
    StringBuilder text = new StringBuilder(seconds.size() * 14);
    for (long[] s : seconds) {
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(s[0]).append(':').append(s[1]);
    }
    return text.toString();
  }

  private static boolean stillCounts(long second, long nowMs) {
    return (second + 1) * SECOND_MS + WINDOW_MS > nowMs;
  }
}
