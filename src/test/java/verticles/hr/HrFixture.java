package verticles.hr;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import testsupport.Api;
import testsupport.Plant;
import testsupport.TestNode;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the HR tests share: HR's documents as the spec writes them, and the node's HR calls as the plant makes them. */
final class HrFixture {

  private HrFixture() {
  }

  /** An employee of the Manufacturing department with one skill (certification expiring then, or never when null). */
  static JsonObject employee(String id, String lastName, String skill, LocalDate expiry) {
    JsonArray skills = new JsonArray();
    if (skill != null) {
      skills.add(new JsonObject().put("skill_code", skill).put("skill_name", skill + " certified").put("proficiency_level", 3)
          .put("certification_date", "2023-06-15").put("certification_expiry", expiry == null ? null : expiry.toString()));
    }
    return new JsonObject().put("employee_id", id).put("first_name", "Jo").put("last_name", lastName)
        .put("email", id.toLowerCase() + "@company.example").put("phone", "+1-555-0123").put("department", "Manufacturing")
        .put("job_title", "Production Operator").put("hire_date", "2020-03-15").put("is_active", true)
        .put("location", "Plant 1 - Zone A").put("skills", skills);
  }

  /** A planned shift with HR's shift id. */
  static JsonObject shift(String employee, String shiftId, LocalDate date, String name, String start, String end,
                          String breakStart, String breakEnd, boolean overtime) {
    return new JsonObject().put("employee_id", employee).put("shift_id", shiftId).put("shift_date", date.toString())
        .put("shift_name", name).put("start_time", start).put("end_time", end).put("break_start", breakStart)
        .put("break_end", breakEnd).put("is_overtime", overtime);
  }

  /** A fresh employee id for this run (the test database is shared by every class). */
  static String employeeId() {
    return "EMP-" + Plant.unique("T").replaceAll("[^A-Za-z0-9]", "").toUpperCase();
  }

  /** A supervisor runs the job now; the answer. */
  static Api.Response runJob(TestNode node, String job) {
    return node.api.postJson("/api/v1/jobs/" + job + "/run", node.token("supervisor"), new JsonObject());
  }

  /** The job's summary, asserting it succeeded. */
  static JsonObject ran(TestNode node, String job) {
    Api.Response response = runJob(node, job);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json().getJsonObject("summary");
  }

  /** An integration admin makes an API key for this client; the answer (with api_key and key_id). */
  static JsonObject newKey(TestNode node, String client, String expiresAt) {
    JsonObject body = new JsonObject().put("client_id", client).put("note", "test");
    if (expiresAt != null) {
      body.put("expires_at", expiresAt);
    }
    Api.Response response = node.api.postJson(ApiKeyRoutes.PATH, node.token("supervisor"), body);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json();
  }

  /** The time clock's swipe, as HR sends it. */
  static JsonObject swipe(String eventType, String employee, String shiftId, Instant at) {
    return new JsonObject().put("event_type", eventType).put("timestamp", at.toString()).put("employee_id", employee)
        .put("location", "Plant 1 - Entrance A").put("shift_id", shiftId);
  }

  static Api.Response attend(TestNode node, String apiKey, String idempotencyKey, JsonObject event) {
    Map<String, String> headers = new java.util.HashMap<>();
    if (apiKey != null) {
      headers.put("X-API-Key", apiKey);
    }
    if (idempotencyKey != null) {
      headers.put("Idempotency-Key", idempotencyKey);
    }
    return node.api.post(HrRoutes.ATTENDANCE, null, "application/json", event.encode(), headers);
  }
}
