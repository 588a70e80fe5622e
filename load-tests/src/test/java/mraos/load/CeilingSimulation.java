package mraos.load;

import io.gatling.javaapi.core.Simulation;

/**
 * The ceiling to compare MRAOS with: the same Gatling run (same POST, same body size, a bearer header of a real token's
 * length, same open-model rates) against {@link CeilingServer}, a trivial Vert.x route that only answers 200 with a small
 * JSON. Whatever this reaches on the machine is the most any Vert.x service could, with Gatling beside it.
 *
 * <pre>
 *   -Dbase=http://localhost:18090 -Dmode=constant -Drate=2000 -Dduration=60  (same knobs as WorkOrderIntakeSimulation)
 * </pre>
 */
public class CeilingSimulation extends Simulation {

  private final LoadSettings settings = LoadSettings.read();
  private final String base = LoadSettings.text("base", "http://localhost:18090");
  /** As long as the embedded issuer's RS256 tokens for erp-connector (measured: see README). */
  private final String token = "x".repeat((int) LoadSettings.number("tokenChars", 700));

  {
    System.out.println("CeilingSimulation against " + base);
    setUp(IntakeLoad.population("Ceiling (trivial Vert.x route)", settings, () -> token))
        .protocols(IntakeLoad.protocol(base))
        .assertions(IntakeLoad.assertions(settings));
  }
}
