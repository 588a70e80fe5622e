package mraos.http;

import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Recognises failures that mean "a system MRAOS depends on cannot be reached right now" (answered 503, not 500). */
public final class Unavailable {

  private Unavailable() {
  }

  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException || t instanceof TimeoutException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null && (message.contains("Connection refused") || message.contains("Timeout while waiting for a connection")
          || message.contains("Connection reset"))) {
        return true;
      }
    }
    return false;
  }
}
