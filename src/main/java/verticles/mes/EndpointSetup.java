package verticles.mes;

import mraos.config.MraosConfig;
import mraos.config.OpcUaConfig;
import mraos.config.OpcUaEndpoint;
import mraos.plant.PlantModel;
import mraos.security.ApplicationCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What an endpoint's client is made of, read from files once at start: the machines it reports (those of the plant
 * model, each with its line) and how to reach the server (for SignAndEncrypt: the client certificate, made at first
 * start, and the server certificate trusted on first use, both under {@code <certificate-dir>/<endpoint>/}).
 * Blocking: call it off the event loop.
 */
record EndpointSetup(Map<String, MachineStatus> machines, EndpointClient client) {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointSetup.class);

  static EndpointSetup load(MraosConfig mraos, OpcUaEndpoint endpoint) throws Exception {
    PlantModel plant = PlantModel.load(mraos.plantModel());
    List<String> wanted = endpoint.machines().isEmpty()
        ? plant.machines().stream().map(PlantModel.Machine::id).toList() : endpoint.machines();
    Map<String, MachineStatus> machines = new LinkedHashMap<>();
    for (String id : new LinkedHashSet<>(wanted)) {
      plant.machine(id).ifPresentOrElse(m -> machines.put(id, new MachineStatus(id, m.lineId())),
          () -> LOG.warn("OPC UA endpoint {}: machine {} is not in the plant model; its status is not subscribed", endpoint.name(), id));
    }
    OpcUaConfig opcua = mraos.opcua();
    // the server checks that this matches the URI in the client's certificate
    String applicationUri = "urn:mraos:mes-client:" + endpoint.name();
    ApplicationCertificate certificate = null;
    TrustOnFirstUse serverTrust = null;
    if (endpoint.signAndEncrypt()) {
      Path dir = opcua.certificateDir(mraos.node()).resolve(endpoint.name());
      certificate = ApplicationCertificate.loadOrCreate(dir.resolve("client.p12"), opcua.keystorePassword().toCharArray(),
          applicationUri, "MRAOS " + endpoint.name(), List.of(hostName()), List.of());
      serverTrust = new TrustOnFirstUse(dir.resolve("server.der"));
    }
    return new EndpointSetup(Map.copyOf(machines), new EndpointClient(endpoint.url(), endpoint.signAndEncrypt(),
        endpoint.username(), endpoint.password(), applicationUri, certificate, serverTrust, opcua.requestTimeout(),
        opcua.keepAlive()));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
