package mraos.config;

/** ERP as MRAOS calls it: the system, its paths, its page size, the consumption batch and the intake of orders. */
public record ErpConfig(ExternalSystem system, String completionReportPath, String consumptionReportPath,
                        String materialsPath, String workOrdersPath, int pageSize, String consumptionDropDir,
                        String consumptionFileFormat, IntakeConfig intake) {
  static ErpConfig from(Settings s) {
    Settings paths = s.section("paths");
    Settings batch = s.section("consumption-batch");
    String format = batch.string("format");
    if (!format.equals("json") && !format.equals("csv")) {
      throw new IllegalArgumentException("Configuration erp.consumption-batch.format must be json or csv");
    }
    return new ErpConfig(ExternalSystem.from("ERP", s), paths.string("completion-report"), paths.string("consumption-report"),
        paths.string("materials"), paths.string("work-orders"), s.integer("page-size", 1, 10_000),
        batch.string("drop-dir").trim(), format, IntakeConfig.from(s.section("intake")));
  }
}
