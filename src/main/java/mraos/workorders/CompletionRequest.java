package mraos.workorders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a supervisor (or the MES's counts) says about a finished order. Null fields take what MRAOS knows. */
public record CompletionRequest(BigDecimal quantityProduced, BigDecimal quantityScrapped, Instant completedAt,
                                Instant actualStartTime, Boolean inspectionPassed, List<String> defectTypes,
                                Map<String, BigDecimal> materialsConsumed) {

  /** Completion by the MES's counts: the quantities MRAOS counted, now. */
  public static CompletionRequest asCounted() {
    return new CompletionRequest(null, null, null, null, null, null, null);
  }
}
