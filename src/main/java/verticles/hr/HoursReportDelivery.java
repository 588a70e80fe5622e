package verticles.hr;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import mraos.outbound.DeliveryEffect;
import mraos.outbound.OutboundMessage;

import java.time.Instant;

/** HR took a day's time entries: its shifts are marked reported (when), in the transaction that records the delivery. */
public final class HoursReportDelivery implements DeliveryEffect {

  static final String DELIVERED = """
      UPDATE operator_shifts SET hours_reported_at = $2 WHERE time_entry_message_id = $1 AND hours_reported_at IS NULL""";

  /** Found by ServiceLoader: the outbound path applies it. */
  public HoursReportDelivery() {
  }

  @Override
  public String integrationType() {
    return HoursWorkedReport.INTEGRATION_TYPE;
  }

  @Override
  public Future<Void> delivered(SqlConnection tx, OutboundMessage message, Object response, Instant at) {
    return tx.preparedQuery(DELIVERED).execute(Tuple.of(message.messageId(), SyncRuns.utc(at))).mapEmpty();
  }
}
