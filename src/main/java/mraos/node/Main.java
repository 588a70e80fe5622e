package mraos.node;

import io.vertx.core.Vertx;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import simulators.PlantSimulation;
import simulators.SimulatedSystems;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one MRAOS node: {@code java -jar target/mraos.jar [--config file.yaml] [--simulate]}. Settings come from
 * conf/mraos.yaml, the optional file and MRAOS_* environment variables; empty connection settings start the embedded
 * services. {@code --simulate} also runs a simulated plant beside the node (see the simulation section of
 * conf/mraos.yaml).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final String SIMULATE = "--simulate";

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("Usage: java -jar target/mraos.jar [--config <file.yaml>] [--simulate]\n"
          + "Every setting of conf/mraos.yaml can also be set by an environment variable, e.g. MRAOS_HTTP_PORT=9090.\n"
          + "  --simulate  also run a simulated plant beside the node: an ERP stand-in, the MES's HTTP side and its OPC UA\n"
          + "              server (ports in the simulation section of conf/mraos.yaml, the node pointed at them), machines\n"
          + "              reporting counts, inspections and downtime over MQTT, work orders sent, started and completed.");
      return;
    }
    boolean simulate = List.of(args).contains(SIMULATE);
    Vertx plantVertx = null;
    SimulatedSystems systems = null;
    Duration stopTimeout = null;
    Node node;
    try {
      Map<String, String> env = System.getenv();
      Path overrides = ConfigLoader.overridesFile(args, env);
      if (simulate) {
        MraosConfig plantConfig = MraosConfig.from(ConfigLoader.load(overrides, env));
        stopTimeout = plantConfig.node().stopTimeout();
        plantVertx = Vertx.vertx();
        systems = SimulatedSystems.start(plantVertx, plantConfig);
        env = SimulatedSystems.environment(env, systems.overrides());
        LOG.info("Simulated plant: ERP at {}, MES at {} and {}; the node is pointed at them", systems.erp().baseUrl(),
            systems.mes().baseUrl(), systems.opcua().url());
      }
      node = Node.start(MraosConfig.from(ConfigLoader.load(overrides, env)));
    } catch (Exception e) {
      LOG.error("MRAOS could not start: {}", e.getMessage(), e);
      stop(null, null, systems, plantVertx, stopTimeout);
      System.exit(1);
      return;
    }
    PlantSimulation plant = null;
    if (simulate) {
      plant = startPlant(plantVertx, systems, node);
    }
    PlantSimulation running = plant;
    SimulatedSystems standIns = systems;
    Vertx forPlant = plantVertx;
    Duration plantStopTimeout = stopTimeout;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running, node, standIns, forPlant, plantStopTimeout),
        "mraos-shutdown"));
  }

  private static PlantSimulation startPlant(Vertx vertx, SimulatedSystems systems, Node node) {
    try {
      PlantSimulation plant = PlantSimulation.start(vertx, systems, node.config());
      plant.started().onFailure(e -> LOG.error("The simulated plant could not start: {}", e.getMessage()));
      return plant;
    } catch (RuntimeException e) {
      LOG.error("The simulated plant could not start: {}", e.getMessage(), e);
      return null;
    }
  }

  /**
   * The plant stops reporting first, the node then finishes its calls out, and the plant's systems go last; the plant
   * and its Vert.x get the node's stop-timeout each ({@code timeout} is null only when there is no plant).
   */
  private static void stop(PlantSimulation plant, Node node, SimulatedSystems systems, Vertx plantVertx,
                           Duration timeout) {
    if (plant != null) {
      try {
        plant.stop().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("The simulated plant did not stop cleanly: {}", e.getMessage());
      }
    }
    if (node != null) {
      node.close();
    }
    if (systems != null) {
      systems.close();
    }
    if (plantVertx != null) {
      try {
        plantVertx.close().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("The simulated plant's Vert.x did not close cleanly: {}", e.getMessage());
      }
    }
  }
}
