package mraos.load;

import io.gatling.javaapi.core.Simulation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ERP's work-order webhook under load: unique valid {@code work_order.created} events (two BOM lines each) with a
 * valid bearer token, at a configured arrival rate (open model). Before the run it gets a token by client credentials
 * and creates the two materials the orders name, through MRAOS's own API.
 *
 * <pre>
 *   -Dbase=http://localhost:18080            MRAOS node
 *   -Dissuer=http://localhost:18180/mraos    token issuer (localhost, not 127.0.0.1: the token's iss must match)
 *   -DclientId=erp-connector -DclientSecret=erp-connector-secret
 *   -Dmode=constant -Drate=2000 -Dduration=60 (or -Dmode=ramp -DrampFrom=100 -DrampTo=3000, or -Dmode=stairs ...)
 *   -Dwarmup=10 -DwarmupRate=100     warm-up first, reported apart ("warm-up") and left out of the figures
 *   -DmaxP95=50                      fail the run unless p95 < 50 ms and no request failed
 * </pre>
 */
public class WorkOrderIntakeSimulation extends Simulation {

  private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

  private final LoadSettings settings = LoadSettings.read();
  private final String base = LoadSettings.text("base", "http://localhost:18080");
  private final String issuer = LoadSettings.text("issuer", "http://localhost:18180/mraos");
  private final String clientId = LoadSettings.text("clientId", "erp-connector");
  private final String clientSecret = LoadSettings.text("clientSecret", "erp-connector-secret");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private volatile String token;

  {
    System.out.println("WorkOrderIntakeSimulation against " + base + ", tokens from " + issuer);
    setUp(IntakeLoad.population("ERP work orders", settings, () -> token))
        .protocols(IntakeLoad.protocol(base))
        .assertions(IntakeLoad.assertions(settings));
  }

  @Override
  public void before() {
    token = fetchToken();
    String materials = "{\"materials\":["
        + "{\"material_id\":\"" + IntakeLoad.MATERIAL_A + "\",\"part_number\":\"A-1234\",\"part_name\":\"Door Panel\","
        + "\"unit_of_measure\":\"EA\",\"is_active\":true},"
        + "{\"material_id\":\"" + IntakeLoad.MATERIAL_B + "\",\"part_number\":\"B-5678\",\"part_name\":\"Hinge Assembly\","
        + "\"unit_of_measure\":\"EA\",\"is_active\":true}]}";
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/integrations/erp/materials"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(materials)));
    if (response.statusCode() != 200) {
      throw new IllegalStateException("Creating the materials answered " + response.statusCode() + ": " + response.body());
    }
    System.out.println("Materials ready: " + response.body());
  }

  private String fetchToken() {
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
    Matcher m = ACCESS_TOKEN.matcher(response.body());
    if (response.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException("The issuer " + issuer + " gave no token (" + response.statusCode() + "): " + response.body());
    }
    System.out.println("Token for " + clientId + " from " + issuer + " (" + m.group(1).length() + " chars)");
    return m.group(1);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("Request failed: " + e, e);
    }
  }
}
