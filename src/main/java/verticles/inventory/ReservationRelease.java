package verticles.inventory;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;

import java.time.Instant;

/** The warehouse released a cancelled order's reservation: released (a release given up stays releasing). */
public final class ReservationRelease implements DeliveryEffect {

  static final String RELEASED = """
      UPDATE material_reservations SET status = 'released', released_at = $2
       WHERE reservation_id = $1 AND status = 'releasing'""";

  /** Public no-argument constructor: found by ServiceLoader. */
  public ReservationRelease() {
  }

  @Override
  public String integrationType() {
    return Reservations.RELEASE;
  }

  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    return tx.preparedQuery(RELEASED).execute(Tuple.of(message.referenceId(), StockStore.utc(at))).mapEmpty();
  }
}
