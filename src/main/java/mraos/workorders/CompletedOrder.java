package mraos.workorders;

import mraos.outbound.OutboundRequest;

import java.util.List;

/** A completion committed: the order as it is now, and the calls out queued with it (e.g. ERP's completion report). */
public record CompletedOrder(WorkOrder workOrder, List<OutboundRequest> calls) {
}
