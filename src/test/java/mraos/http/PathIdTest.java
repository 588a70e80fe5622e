package mraos.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testsupport.Api.Response;
import testsupport.Plant;
import testsupport.PlantNode;
import testsupport.TestNode;
import verticles.erp.ErpRoutes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static verticles.erp.Refusals.assertErrorBody;
import static verticles.erp.Refusals.detailFields;

/**
 * Every route with an id in its path checks the id against its documented pattern before it reaches SQL: a NUL byte
 * (which PostgreSQL refuses with "invalid byte sequence", once a 500), an ANSI escape or a space is a 400 INT-003
 * naming the path parameter. So are free-text query filters with a NUL and times out of bounds.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PathIdTest {

  @RegisterExtension
  static final PlantNode plant = PlantNode.start().withMaterial();
  static TestNode node;
  static String supervisor;
  static String workOrder;

  @BeforeAll
  static void start() {
    node = plant.node();
    supervisor = node.token("supervisor");
    Response created = node.api.postJson(ErpRoutes.WORK_ORDERS, node.token("erp-connector"),
        Plant.workOrderEvent("work_order.created", Plant.unique("WO-ERP-PATH"),
            Plant.bomLine(plant.material(), "A-1", "Panel", 1)));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    workOrder = created.json().getString("mraos_work_order_id");
  }

  /** {method, path, path parameter}: every route of the node with a path parameter. */
  static final List<String[]> ROUTES = List.of(
      new String[] {"GET", "/api/v1/work-orders/{}", "id"},
      new String[] {"POST", "/api/v1/work-orders/{}/start", "id"},
      new String[] {"POST", "/api/v1/work-orders/{}/complete", "id"},
      new String[] {"GET", "/api/v1/integration-failures/{}", "id"},
      new String[] {"POST", "/api/v1/integration-failures/{}/retry", "id"},
      new String[] {"POST", "/api/v1/integration-failures/{}/resolve", "id"},
      new String[] {"POST", "/api/v1/integration-failures/{}/discard", "id"},
      new String[] {"POST", "/api/v1/jobs/{}/run", "job"});

  Response call(String method, String path) {
    if (method.equals("GET")) {
      return node.api.get(path, supervisor);
    }
    JsonObject body = path.endsWith("/start") ? new JsonObject().put("machine_id", "M-203").put("operator_id", "O-1")
        : path.endsWith("/complete") ? new JsonObject().put("quantity_produced", 1) : new JsonObject();
    return node.api.post(path, supervisor, "application/json", body.encode(), Map.of());
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"%00", "WO-1000%00", "%00WO-1000", "WO-1%1B%5B31m", "WO-1%20", "WO-1%0A", "%C3%A9"})
  void aMalformedPathIdIsAValidationErrorOnEveryRoute(String encodedId) {
    for (String[] route : ROUTES) {
      Response response = call(route[0], route[1].replace("{}", encodedId));

      JsonObject body = assertErrorBody(response, 400, "INT-003");
      assertThat(detailFields(body)).as(route[0] + " " + route[1]).containsExactly(route[2]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/api/v1/work-orders/WO-999999999", "/api/v1/integration-failures/FAIL-19990101-0001"})
  void aWellFormedIdThatDoesNotExistIsStillNotFound(String path) {
    assertErrorBody(node.api.get(path, supervisor), 404, "INT-004");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/api/v1/work-orders?erp_work_order_id=WO%00", "/api/v1/work-orders?line=line%002",
      "/api/v1/integration-failures?integration_type=erp%00", "/api/v1/integration-failures?from=%2B999999-01-01T00:00:00Z",
      "/api/v1/integration-failures?to=1999-12-31T23:59:59Z"})
  void aQueryFilterWithANulOrAnImpossibleTimeIsAValidationError(String path) {
    JsonObject body = assertErrorBody(node.api.get(path, supervisor), 400, "INT-003");
    String parameter = path.substring(path.indexOf('?') + 1, path.indexOf('='));
    assertThat(detailFields(body)).containsExactly(parameter);
  }

  @ParameterizedTest(name = "action [{0}]")
  @ValueSource(strings = {"", "/start", "/complete"})
  void theOrderItselfIsUntouchedAndStillReadable(String action) {
    call(action.isEmpty() ? "GET" : "POST", "/api/v1/work-orders/" + workOrder + "%00" + action);

    Response read = node.api.get("/api/v1/work-orders/" + workOrder, supervisor);
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.json().getString("status")).isEqualTo("received");
  }
}
