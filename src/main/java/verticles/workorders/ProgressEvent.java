package verticles.workorders;

import mraos.events.Envelope;

/**
 * A work order's {@code work_order.progress} event, built in SQL so the statement that moves the order writes it too:
 * the envelope {@link Envelope#wrap} makes (Appendix B) around {@code {"event_type": "work_order.progress",
 * "work_order": {...}}}, from a work order row.
 */
final class ProgressEvent {

  private ProgressEvent() {
  }

  /**
   * The event's envelope as a jsonb expression.
   *
   * @param u         alias of a work order row (work_order_id, erp_work_order_id, the quantities, progress_percentage,
   *                  status)
   * @param messageId expression of the envelope's message id
   * @param timestamp expression of its timestamp (text)
   * @param line      expression of the line that reported the counts
   */
  static String envelope(String u, String messageId, String timestamp, String line) {
    return """
        jsonb_build_object('version', '%s', 'message_id', %s, 'timestamp', %s::text,
            'source_system', '%s', 'destination_system', '%s', 'correlation_id', NULL,
            'payload', jsonb_build_object('event_type', 'work_order.progress', 'work_order', jsonb_build_object(
                'mraos_work_order_id', %s.work_order_id, 'erp_work_order_id', %s.erp_work_order_id,
                'quantity_produced', %s, 'quantity_ordered', %s, 'progress_percentage', %s,
                'status', %s.status, 'line_id', %s::text)))""".formatted(Envelope.VERSION, messageId, timestamp,
        Envelope.SOURCE_SYSTEM, Envelope.PLANT_SUBSCRIBERS, u, u, jsonNumber(u + ".quantity_produced"),
        jsonNumber(u + ".quantity_ordered"), jsonNumber(u + ".progress_percentage"), u, line);
  }

  /** As {@link mraos.http.Json#number}: a whole number as a JSON integer, anything else as a double. */
  private static String jsonNumber(String column) {
    return "CASE WHEN " + column + " = trunc(" + column + ") THEN to_jsonb(trunc(" + column + ")::bigint) ELSE to_jsonb("
        + column + "::float8) END";
  }
}
