package verticles.workorders;

/** The SQL that keeps a work order's {@code defect_types}: distinct, in the order they were first recorded. */
final class DefectTypes {

  private DefectTypes() {
  }

  /** The order's defect types with those of {@code added} (a {@code text[]} expression) that it does not have yet. */
  static String added(String added) {
    return "ARRAY(SELECT x.type FROM unnest(w.defect_types || " + added + ") WITH ORDINALITY AS x(type, i)"
        + " GROUP BY x.type ORDER BY min(x.i))";
  }
}
