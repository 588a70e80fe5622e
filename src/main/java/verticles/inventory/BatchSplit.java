package verticles.inventory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a quantity consumed is split over batches: first the batches the warehouse allocated to the order (in their FEFO
 * order, up to what each allocated), then the material's batches as the last stock pull listed them (earliest expiry
 * first, up to what each holds); what is left beyond all of them is booked to the last batch used.
 */
final class BatchSplit {

  /** A batch and a quantity of one material (allocated to the order, or held by the warehouse). */
  record Allocated(String materialId, String batchNumber, BigDecimal quantity) {
  }

  /** A part of the quantity, from one batch ({@code batchNumber} null: no batch of the material is known). */
  record Part(String batchNumber, BigDecimal quantity) {
  }

  private BatchSplit() {
  }

  static List<Part> split(String materialId, BigDecimal consumed, List<Allocated> allocated, List<Allocated> held) {
    Map<String, BigDecimal> parts = new LinkedHashMap<>();
    BigDecimal left = consumed;
    for (Allocated a : allocated) {
      if (a.materialId().equals(materialId) && left.signum() > 0) {
        BigDecimal take = left.min(a.quantity());
        parts.merge(a.batchNumber(), take, BigDecimal::add);
        left = left.subtract(take);
      }
    }
    for (Allocated b : held) {
      if (b.materialId().equals(materialId) && left.signum() > 0) {
        BigDecimal room = b.quantity().subtract(parts.getOrDefault(b.batchNumber(), BigDecimal.ZERO));
        BigDecimal take = left.min(room.max(BigDecimal.ZERO));
        if (take.signum() > 0) {
          parts.merge(b.batchNumber(), take, BigDecimal::add);
          left = left.subtract(take);
        }
      }
    }
    if (left.signum() > 0) {
      String last = parts.isEmpty() ? null : new ArrayList<>(parts.keySet()).get(parts.size() - 1);
      if (last == null) {
        return List.of(new Part(null, consumed));
      }
      parts.merge(last, left, BigDecimal::add);
    }
    List<Part> list = new ArrayList<>();
    parts.forEach((batch, quantity) -> list.add(new Part(batch, quantity)));
    return list;
  }
}
