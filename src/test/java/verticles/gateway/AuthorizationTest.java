package verticles.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testsupport.Api.Response;
import testsupport.AuditRows;
import testsupport.Plant;
import testsupport.TestNode;
import testsupport.Tokens;
import verticles.erp.ErpRoutes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may do what once authenticated: only clients allowed to act for ERP (security.erp.allowed-clients, by default
 * [erp-connector]) may post to ERP's endpoints, or, when security.erp.required-scope is set, clients whose token carries
 * that scope; any known client (security.known-clients) may read; everyone else gets 403 INT-001.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AuthorizationTest {

  static final String PATH = ErpRoutes.WORK_ORDERS;
  static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
  /** Default configuration: allowed-clients [erp-connector], no required scope. */
  static TestNode node;
  /** The same with security.erp.required-scope: erp.write. */
  static TestNode scoped;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    scoped = TestNode.start(Map.of("security.erp.required-scope", "erp.write"));
  }

  @AfterAll
  static void stop() {
    if (scoped != null) {
      scoped.close();
    }
    node.close();
  }

  record Attempt(Response response, String erpId, String correlationId) {
  }

  static Attempt post(TestNode target, String token) {
    String erpId = Plant.unique("WO-AUTHZ");
    String correlationId = "corr_authz_" + erpId;
    Response response = target.api.post(PATH, token, "application/json",
        Plant.workOrderEvent("work_order.created", erpId).encode(), Map.of("X-Correlation-ID", correlationId));
    return new Attempt(response, erpId, correlationId);
  }

  /** A token of the real issuer for this client with exactly these scopes (the dev clients cannot get all of them). */
  static String tokenWithScope(String clientId, String scope) {
    return node.tokens.signed(Map.of("client_id", clientId, "azp", clientId, "sub", clientId, "scope", scope), FIVE_MINUTES);
  }

  static void assertAccepted(TestNode target, Attempt attempt) {
    assertThat(attempt.response().status()).as(attempt.response().toString()).isEqualTo(200);
    assertThat(target.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", attempt.erpId())).isEqualTo(1);
  }

  /** 403 INT-001 naming the client, nothing stored, audited as a failed call of that client. */
  static void assertForbidden(TestNode target, Attempt attempt, String clientId) {
    Response response = attempt.response();
    assertThat(response.status()).as(response.toString()).isEqualTo(403);
    JsonObject body = response.json();
    assertThat(body.getString("status")).isEqualTo("error");
    assertThat(body.getString("error_code")).isEqualTo("INT-001");
    assertThat(body.getString("message")).contains(clientId);
    assertThat(target.db.count("SELECT count(*) FROM work_orders WHERE erp_work_order_id = ?", attempt.erpId())).isZero();
    assertThat(AuditRows.one(target.db, attempt.correlationId())).containsEntry("http_status_code", 403)
        .containsEntry("success", false).containsEntry("user_id", clientId)
        .containsEntry("integration_type", "erp_work_order_inbound");
  }

  @Test
  void erpConnectorMayPostWorkOrders() {
    Attempt attempt = post(node, node.token("erp-connector"));

    assertAccepted(node, attempt);
    assertThat(AuditRows.one(node.db, attempt.correlationId())).containsEntry("user_id", "erp-connector")
        .containsEntry("success", true);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mes-connector", "supervisor", "hr-connector", "inventory-connector"})
  void anyOtherKnownClientWithAValidTokenMayNotPostWorkOrders(String clientId) {
    assertForbidden(node, post(node, node.token(clientId)), clientId);
  }

  @Test
  void anotherClientMayNotPostMaterialMasterDataEither() {
    String materialId = Plant.unique("MAT-AUTHZ");
    Response response = node.api.postJson(ErpRoutes.MATERIALS, node.token("mes-connector"),
        Plant.materials(Plant.material(materialId, "Z-1", "Forbidden Part")));

    assertThat(response.status()).as(response.toString()).isEqualTo(403);
    assertThat(response.json().getString("error_code")).isEqualTo("INT-001");
    assertThat(node.db.count("SELECT count(*) FROM materials WHERE material_id = ?", materialId)).isZero();
  }

  @Test
  void withoutARequiredScopeConfiguredAScopeAloneGrantsNothing() {
    assertForbidden(node, post(node, tokenWithScope("mes-connector", "erp.read erp.write")), "mes-connector");
  }

  @Test
  void erpConnectorNeedsNoParticularScopeAsAnAllowedClient() {
    // a real token the issuer narrowed to erp.read only
    JsonObject answer = node.tokens.request("erp-connector", "erp-connector-secret", "erp.read");
    assertThat(answer.getInteger("http_status")).isEqualTo(200);

    assertAccepted(node, post(node, answer.getString("access_token")));
    assertAccepted(scoped, post(scoped, answer.getString("access_token")));
  }

  @Test
  void withARequiredScopeAClientWhoseTokenCarriesItMayPost() {
    assertAccepted(scoped, post(scoped, tokenWithScope("mes-connector", "mes.write erp.write")));
    assertAccepted(scoped, post(scoped, tokenWithScope("supervisor", "erp.read erp.write")));
  }

  @Test
  void withARequiredScopeTheScopeMayAlsoComeAsAnScpArray() {
    String token = node.tokens.signed(Map.of("client_id", "mes-connector", "azp", "mes-connector",
        "scp", List.of("mes.read", "erp.write")), FIVE_MINUTES);

    assertAccepted(scoped, post(scoped, token));
  }

  @Test
  void withARequiredScopeAClientWithoutItIsStillForbidden() {
    // supervisor's real token: erp.read, mes.read, hr.read, inventory.readwrite, but not erp.write
    String supervisor = scoped.token("supervisor");
    assertThat(Tokens.claims(supervisor).getString("scope")).contains("erp.read").doesNotContain("erp.write");

    assertForbidden(scoped, post(scoped, supervisor), "supervisor");
    assertForbidden(scoped, post(scoped, scoped.token("mes-connector")), "mes-connector");
    // a scope that merely starts like the required one is not it
    assertForbidden(scoped, post(scoped, tokenWithScope("mes-connector", "erp.write.all erp.writer")), "mes-connector");
  }

  @Test
  void withARequiredScopeAnUnknownClientCarryingTheScopeIsStillForbidden() {
    // conf/mraos.yaml: "... or, when set, any *known* client whose token carries this scope"
    assertForbidden(scoped, post(scoped, tokenWithScope("stranger", "erp.write")), "stranger");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"erp-connector", "mes-connector", "hr-connector", "inventory-connector", "supervisor"})
  void everyKnownClientMayReadWorkOrders(String clientId) {
    String id = post(node, node.token("erp-connector")).response().json().getString("mraos_work_order_id");

    Response list = node.api.get("/api/v1/work-orders", node.token(clientId));
    Response one = node.api.get("/api/v1/work-orders/" + id, node.token(clientId));

    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.json().getJsonArray("items")).isNotNull();
    assertThat(one.status()).as(one.toString()).isEqualTo(200);
    assertThat(one.json().getString("mraos_work_order_id")).isEqualTo(id);
  }

  @Test
  void aValidTokenOfAnUnknownClientMayNotRead() {
    String stranger = node.tokens.signed(Map.of("client_id", "stranger", "azp", "stranger"), FIVE_MINUTES);
    String id = post(node, node.token("erp-connector")).response().json().getString("mraos_work_order_id");

    Response list = node.api.get("/api/v1/work-orders", stranger);
    Response one = node.api.get("/api/v1/work-orders/" + id, stranger);

    for (Response response : List.of(list, one)) {
      assertThat(response.status()).as(response.toString()).isEqualTo(403);
      assertThat(response.json().getString("error_code")).isEqualTo("INT-001");
      assertThat(response.json().getString("message")).contains("stranger");
      assertThat(response.body()).doesNotContain(id);
    }
  }

  @Test
  void anUnknownClientMayNotPostEither() {
    String stranger = node.tokens.signed(Map.of("client_id", "stranger", "azp", "stranger", "scope", "erp.write"), FIVE_MINUTES);

    assertForbidden(node, post(node, stranger), "stranger");
  }
}
