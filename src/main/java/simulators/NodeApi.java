package simulators;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import mraos.config.DevClient;
import mraos.config.MraosConfig;
import mraos.config.SimulationConfig;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The calls the simulated plant makes to an MRAOS node over its public API, as ERP and a supervisor would: material
 * master data and work orders through ERP's webhooks (spec §3.2.1), starting a work order on a machine (§4.2.2).
 * A refused token (401) is fetched again once.
 */
final class NodeApi {

  static final String MATERIALS = "/api/v1/integrations/erp/materials";
  static final String WORK_ORDERS = "/api/v1/integrations/erp/work-orders";
  static final String READY = "/health/ready";
  static final String STATUS = "/api/v1/integrations/status";

  private final WebClient http;
  private final String base;
  private final IssuerTokens tokens;
  private final IssuerTokens.Client erp;
  private final IssuerTokens.Client supervisor;

  NodeApi(WebClient http, String base, IssuerTokens tokens, IssuerTokens.Client erp, IssuerTokens.Client supervisor) {
    this.http = Objects.requireNonNull(http, "http");
    this.base = Objects.requireNonNull(base, "base");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.erp = Objects.requireNonNull(erp, "erp");
    this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
  }

  /**
   * The API of the node whose (effective) configuration is {@code node}, called on loopback with the clients its
   * simulation settings name (their secrets given there or, for a development client, by the embedded issuer).
   */
  static NodeApi of(WebClient http, MraosConfig node) {
    SimulationConfig settings = node.simulation();
    IssuerTokens tokens = new IssuerTokens(http, node.security().effectiveIssuer(), Clock.systemUTC());
    return new NodeApi(http, "http://" + loopbackHost(node.http().host()) + ":" + node.http().port(), tokens,
        client(node, settings.erpClientId(), settings.erpClientSecret()),
        client(node, settings.supervisorClientId(), settings.supervisorClientSecret()));
  }

  private static IssuerTokens.Client client(MraosConfig node, String clientId, String secret) {
    if (!secret.isEmpty()) {
      return new IssuerTokens.Client(clientId, secret);
    }
    DevClient dev = node.security().embeddedIssuer().clients().get(clientId);
    if (dev == null) {
      throw new IllegalArgumentException("The simulated plant needs a secret for client " + clientId
          + ": set simulation.*-client-secret, or name a client of security.embedded-issuer.clients");
    }
    return new IssuerTokens.Client(clientId, dev.secret());
  }

  /** The node's HTTP host as a loopback caller reaches it. */
  private static String loopbackHost(String host) {
    return host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
  }

  /**
   * Whether the node serves its API and the plant's lines run with their MQTT sessions up (its integration status): a
   * machine's count published before its line's first subscription would find no session on a fresh broker.
   */
  Future<Boolean> ready() {
    return http.getAbs(base + READY).send().compose(response -> response.statusCode() != 200 ? Future.succeededFuture(false)
        : tokens.of(supervisor).compose(token -> http.getAbs(base + STATUS).bearerTokenAuthentication(token).send())
            .map(status -> status.statusCode() == 200 && linesUp(status.bodyAsJsonObject().getJsonObject("lines"))))
        .otherwise(false);
  }

  private static boolean linesUp(JsonObject lines) {
    return lines != null && !lines.isEmpty()
        && lines.stream().allMatch(line -> "up".equals(((JsonObject) line.getValue()).getString("status")));
  }

  /** ERP's material master push; succeeds on 200. */
  Future<Void> sendMaterials(JsonObject materials) {
    return call(erp, () -> http.postAbs(base + MATERIALS), materials).compose(response -> expect(response, 200, "materials"))
        .mapEmpty();
  }

  /** ERP's work order event; the MRAOS work order id it was stored as. */
  Future<String> sendWorkOrder(JsonObject event) {
    return call(erp, () -> http.postAbs(base + WORK_ORDERS), event).compose(response -> expect(response, 200, "work order"))
        .map(answer -> answer.getString("mraos_work_order_id"));
  }

  /** A supervisor starts the work order on the machine with the operator; MRAOS then tells the MES (202). */
  Future<Void> start(String workOrderId, String machineId, String operatorId) {
    JsonObject body = new JsonObject().put("machine_id", machineId).put("operator_id", operatorId);
    return call(supervisor, () -> http.postAbs(base + "/api/v1/work-orders/" + workOrderId + "/start"), body)
        .compose(response -> expect(response, 202, "start of " + workOrderId)).mapEmpty();
  }

  /** An integration admin (the supervisor) makes an API key for HR's time clock; the key itself. */
  Future<String> createHrApiKey(String note) {
    return call(supervisor, () -> http.postAbs(base + "/api/v1/hr/api-keys"), new JsonObject().put("note", note))
        .compose(response -> expect(response, 201, "HR API key")).map(answer -> answer.getString("api_key"));
  }

  /** A supervisor runs a job now (e.g. hr-employee-sync); its summary. */
  Future<JsonObject> runJob(String job) {
    return call(supervisor, () -> http.postAbs(base + "/api/v1/jobs/" + job + "/run"), new JsonObject())
        .compose(response -> expect(response, 200, "job " + job)).map(answer -> answer.getJsonObject("summary"));
  }

  /** The operators MRAOS holds: employee id → MRAOS operator id. */
  Future<java.util.Map<String, String>> operatorIds() {
    return tokens.of(supervisor).compose(token -> http.getAbs(base + "/api/v1/operators?limit=5000")
            .bearerTokenAuthentication(token).send())
        .compose(response -> expect(response, 200, "operators")).map(answer -> {
          java.util.Map<String, String> ids = new java.util.HashMap<>();
          answer.getJsonArray("operators", new io.vertx.core.json.JsonArray()).forEach(o -> ids.put(
              ((JsonObject) o).getString("employee_id"), ((JsonObject) o).getString("operator_id")));
          return ids;
        });
  }

  /** The node's base URL, for the plant's other callers (HR's time clock). */
  String base() {
    return base;
  }

  private Future<HttpResponse<Buffer>> call(IssuerTokens.Client client, Supplier<HttpRequest<Buffer>> request, JsonObject body) {
    return send(client, request, body).compose(response -> {
      if (response.statusCode() != 401) {
        return Future.succeededFuture(response);
      }
      tokens.forget(client);
      return send(client, request, body);
    });
  }

  private Future<HttpResponse<Buffer>> send(IssuerTokens.Client client, Supplier<HttpRequest<Buffer>> request, JsonObject body) {
    return tokens.of(client).compose(token -> request.get().bearerTokenAuthentication(token).sendJsonObject(body));
  }

  private static Future<JsonObject> expect(HttpResponse<Buffer> response, int status, String what) {
    if (response.statusCode() != status) {
      return Future.failedFuture("MRAOS answered the " + what + " with HTTP " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    try {
      JsonObject answer = response.bodyAsJsonObject();
      return Future.succeededFuture(answer == null ? new JsonObject() : answer);
    } catch (RuntimeException e) {
      return Future.succeededFuture(new JsonObject());
    }
  }
}
