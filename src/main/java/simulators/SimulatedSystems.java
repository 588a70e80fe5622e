package simulators;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import mraos.config.Auth;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import mraos.config.OpcUaEndpoint;
import mraos.config.SimulationConfig;
import mraos.http.ApiError;
import mraos.http.ErrorCode;
import mraos.http.Responses;
import mraos.plant.PlantModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The plant's systems as {@code --simulate} starts them beside a node, on loopback: the {@link ErpSimulator}, the
 * {@link HrSimulator}, the MES's
 * HTTP side (a {@link SystemSimulator} taking the work-order start call of spec §4.2.2 with the credentials the node
 * is configured to send) and the MES's OPC UA server ({@link MesOpcUaServer}, every machine of the plant model,
 * offering what the node's endpoint asks for). {@link #overrides()} says which settings point the node at them. Start
 * calls are passed to whatever {@link #takeStartCalls takes them} (the plant simulation); until then they get 503.
 */
public final class SimulatedSystems implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedSystems.class);
  private static final long STOP_TIMEOUT_S = 30;

  private final ErpSimulator erp;
  private final HrSimulator hr;
  private final InventorySimulator inventory;
  private final SystemSimulator mes;
  private final MesOpcUaServer opcua;
  private final String opcuaEndpoint;
  private volatile Function<JsonObject, Future<JsonObject>> startCalls;

  private SimulatedSystems(ErpSimulator erp, HrSimulator hr, InventorySimulator inventory, SystemSimulator mes,
                           MesOpcUaServer opcua, String opcuaEndpoint) {
    this.erp = erp;
    this.hr = hr;
    this.inventory = inventory;
    this.mes = mes;
    this.opcua = opcua;
    this.opcuaEndpoint = opcuaEndpoint;
  }

  /**
   * Starts the four on the ports of {@code config.simulation()} (blocking until they listen). {@code config} is the
   * node's configuration as given (before the simulation's overrides): it says how the node will call them.
   */
  public static SimulatedSystems start(Vertx vertx, MraosConfig config) throws Exception {
    Objects.requireNonNull(vertx, "vertx");
    SimulationConfig settings = config.simulation();
    OpcUaEndpoint endpoint = config.opcua().endpoints().get(settings.opcuaEndpoint());
    if (endpoint == null) {
      throw new IllegalArgumentException("Configuration simulation.opcua-endpoint names '" + settings.opcuaEndpoint()
          + "', which is not one of mes.opcua.endpoints " + config.opcua().endpoints().keySet());
    }
    MesOpcUaServer.Options options = MesOpcUaServer.Options.of(config.opcua().namespaceUri())
        .withCertificateDir(config.node().dataDir().resolve("simulation").resolve("opcua"), config.opcua().keystorePassword());
    if (endpoint.signAndEncrypt()) {
      if (endpoint.username().isEmpty()) {
        throw new IllegalArgumentException("The simulated MES offers SignAndEncrypt only with a login: set mes.opcua.endpoints."
            + endpoint.name() + ".username and password");
      }
      options = options.withLogin(endpoint.username(), endpoint.password()).withoutAnonymousNone();
    }
    ErpSimulator erp = null;
    HrSimulator hr = null;
    InventorySimulator inventory = null;
    SystemSimulator mes = null;
    try {
      erp = ErpSimulator.start(vertx, settings.erpPort()).await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      hr = HrSimulator.start(vertx, settings.hrPort()).await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      int inventoryPort = mraos.config.Settings.of(config.json()).section("simulation").integer("inventory-port", 0, 65535);
      // its CDC events go to the node's broker once the node runs (PlantSimulation)
      inventory = InventorySimulator.start(vertx, inventoryPort, null, null).await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      mes = SystemSimulator.start(vertx, "MES", settings.mesPort(), access(config.mes().auth()))
          .await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      erp.keepLatest(settings.recordingsKept());
      hr.keepLatest(settings.recordingsKept());
      inventory.keepLatest(settings.recordingsKept());
      mes.keepLatest(settings.recordingsKept());
      var machines = PlantModel.load(config.plantModel()).machines().stream().map(PlantModel.Machine::id).toList();
      MesOpcUaServer opcua = MesOpcUaServer.start(settings.opcuaPort(), machines, options);
      SimulatedSystems systems = new SimulatedSystems(erp, hr, inventory, mes, opcua, endpoint.name());
      mes.router().post(config.mesWorkOrderStartPath()).handler(systems::startCall);
      return systems;
    } catch (Exception e) {
      if (mes != null) {
        mes.stop().await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      }
      if (inventory != null) {
        inventory.stop().await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      }
      if (hr != null) {
        hr.stop().await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      }
      if (erp != null) {
        erp.stop().await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  /** The MES stand-in asks what the node will send (mes.auth). */
  static Access access(Auth auth) {
    return switch (auth.type()) {
      case "basic" -> Access.basic(auth.username(), auth.password());
      case "api-key" -> Access.apiKey(auth.header(), auth.key());
      case "oauth2" -> Access.bearer();
      default -> Access.open();
    };
  }

  /** The settings (dotted keys) that point a node at these systems. */
  public Map<String, Object> overrides() {
    Map<String, Object> overrides = overrides(opcuaEndpoint, erp.baseUrl(), mes.baseUrl(), opcua.url());
    overrides.put("hr.base-url", hr.baseUrl());
    overrides.put("inventory.base-url", inventory.baseUrl());
    return overrides;
  }

  /** erp.base-url, mes.base-url and mes.opcua.endpoints.{@code endpoint}.url. */
  public static Map<String, Object> overrides(String endpoint, String erpUrl, String mesUrl, String opcuaUrl) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("erp.base-url", erpUrl);
    overrides.put("mes.base-url", mesUrl);
    overrides.put("mes.opcua.endpoints." + endpoint + ".url", opcuaUrl);
    return overrides;
  }

  /**
   * The environment with the overrides added as MRAOS_* variables (replacing any already there), for
   * {@link ConfigLoader#load}: the node reads them like any other setting.
   */
  public static Map<String, String> environment(Map<String, String> env, Map<String, Object> overrides) {
    Map<String, String> withOverrides = new LinkedHashMap<>(env);
    overrides.forEach((key, value) -> withOverrides.put(ConfigLoader.envName(key), String.valueOf(value)));
    return withOverrides;
  }

  /** Start calls from now on go to {@code handler}: it answers with the MES's answer, or fails (an ApiError's status). */
  public void takeStartCalls(Function<JsonObject, Future<JsonObject>> handler) {
    startCalls = handler;
  }

  private void startCall(RoutingContext ctx) {
    JsonObject call = JsonBodies.object(ctx);
    Function<JsonObject, Future<JsonObject>> handler = startCalls;
    if (handler == null) {
      Responses.json(ctx, 503, Answers.error(ErrorCode.SERVICE_UNAVAILABLE, "The simulated plant is not running yet"));
      return;
    }
    handler.apply(call).onComplete(ar -> {
      if (ar.succeeded()) {
        Responses.json(ctx, 200, ar.result());
      } else if (ar.cause() instanceof ApiError refused) {
        Responses.json(ctx, refused.status(), Answers.error(refused.code(), refused.getMessage()));
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  public ErpSimulator erp() {
    return erp;
  }

  /** HR: employees, schedules, and the time entries the node reports. */
  public HrSimulator hr() {
    return hr;
  }

  /** The warehouse: stock, reservations, consumption, and its CDC events. */
  public InventorySimulator inventory() {
    return inventory;
  }

  /** The MES's HTTP side. */
  public SystemSimulator mes() {
    return mes;
  }

  public MesOpcUaServer opcua() {
    return opcua;
  }

  /** Stops the four; the Vert.x instance they ran on is the caller's. */
  @Override
  public void close() {
    startCalls = null;
    opcua.close();
    for (SystemSimulator simulator : new SystemSimulator[] {mes, inventory, hr, erp}) {
      try {
        simulator.stop().await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("The {} simulator did not stop cleanly: {}", simulator.name(), e.getMessage());
      }
    }
  }
}
