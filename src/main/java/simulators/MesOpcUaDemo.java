package simulators;

import mraos.plant.PlantModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The MES's OPC UA side on its own, for a demo ({@code simulators.MesOpcUaServer}'s command line): the plant model's
 * machines (or those named), set up from the environment, their values drifting every few seconds until stopped.
 */
final class MesOpcUaDemo {

  private MesOpcUaDemo() {
  }

  static void run(String[] args) throws Exception {
    if (args.length < 1 || !args[0].matches("\\d{1,5}")) {
      System.err.println("Usage: java -cp \"target/mraos.jar:target/lib/*\" simulators.MesOpcUaServer <port> [machine ...]\n"
          + "  0 = any free port; no machines: those of conf/plant.yaml. Environment: MES_OPCUA_USERNAME and\n"
          + "  MES_OPCUA_PASSWORD offer SignAndEncrypt; MES_OPCUA_HOST (default 127.0.0.1); MES_OPCUA_NAMESPACE_URI (default\n"
          + "  urn:mraos:mes); MES_OPCUA_CERTIFICATE_DIR and MES_OPCUA_KEYSTORE_PASSWORD keep the certificate (default: in memory)");
      System.exit(2);
      return;
    }
    List<String> machines = args.length > 1 ? List.of(args).subList(1, args.length)
        : PlantModel.load(Path.of("conf/plant.yaml")).machines().stream().map(PlantModel.Machine::id).toList();
    Map<String, String> env = System.getenv();
    MesOpcUaServer.Options options = MesOpcUaServer.Options.of(env.getOrDefault("MES_OPCUA_NAMESPACE_URI", "urn:mraos:mes"))
        .withHost(env.getOrDefault("MES_OPCUA_HOST", "127.0.0.1"));
    String username = env.getOrDefault("MES_OPCUA_USERNAME", "");
    if (!username.isBlank()) {
      options = options.withLogin(username, env.getOrDefault("MES_OPCUA_PASSWORD", ""));
    }
    String certificateDir = env.getOrDefault("MES_OPCUA_CERTIFICATE_DIR", "");
    if (!certificateDir.isBlank()) {
      options = options.withCertificateDir(Path.of(certificateDir), env.getOrDefault("MES_OPCUA_KEYSTORE_PASSWORD", ""));
    }
    MesOpcUaServer mes = MesOpcUaServer.start(Integer.parseInt(args[0]), machines, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mes.stop();
      stopped.countDown();
    }, "mes-opcua-simulator-shutdown"));
    System.out.println("MES OPC UA simulator at " + mes.url() + " for " + machines + " (" + options + ")\n"
        + "  MRAOS: MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_URL=" + mes.url()
        + (username.isBlank() ? "" : " MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_SECURITY_MODE=SignAndEncrypt"
            + " MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_USERNAME=" + username + " MRAOS_MES_OPCUA_ENDPOINTS_MES_MAIN_PASSWORD=...")
        + " java -jar target/mraos.jar");
    Drift drift = new Drift(mes, new Random());
    while (!stopped.await(3, TimeUnit.SECONDS)) {
      drift.step();
    }
  }

  /** Moves one machine's values a little, the way a running line would. */
  private record Drift(MesOpcUaServer mes, Random random) {

    private static final String[] STATUSES = {"Running", "Running", "Running", "Idle", "Stopped", "Faulted"};

    void step() {
      List<String> machines = mes.machines();
      if (machines.isEmpty()) {
        return;
      }
      String machine = machines.get(random.nextInt(machines.size()));
      MesOpcUaServer.Status was = mes.status(machine);
      String status = random.nextInt(5) == 0 ? STATUSES[random.nextInt(STATUSES.length)] : was.currentStatus();
      boolean running = status.equals("Running");
      String workOrder = was.currentWorkOrderId().isEmpty() ? "WO-" + (4600 + random.nextInt(100)) : was.currentWorkOrderId();
      mes.setStatus(machine, new MesOpcUaServer.Status(status,
          running ? 60 + random.nextInt(400) / 10.0 : 0.0,
          workOrder,
          was.unitsProducedThisCycle() + (running ? 1 : 0),
          running ? 40 + random.nextInt(100) / 10.0 : was.cycleTimeSeconds(),
          was.downtimeSeconds() + (running ? 0 : 3)));
    }
  }
}
