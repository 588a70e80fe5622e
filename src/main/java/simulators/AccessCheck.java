package simulators;

import io.vertx.core.http.HttpServerRequest;
import mraos.http.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Whether a simulated system lets a request in: it must carry what the system's {@link Access} asks for, and a bearer
 * token must not be one the test wants refused (e.g. "expired"). A refusal is a 401 with the scheme's challenge.
 */
final class AccessCheck {

  private final Access access;
  private final String realm;
  private volatile Predicate<String> refusedTokens = token -> false;

  AccessCheck(Access access, String system) {
    this.access = Objects.requireNonNull(access, "access");
    realm = system.replaceAll("[^A-Za-z0-9 ._-]", "");
  }

  void refuseTokens(Predicate<String> refused) {
    refusedTokens = Objects.requireNonNull(refused, "refused");
  }

  void acceptAllTokens() {
    refusedTokens = token -> false;
  }

  /** The 401 to answer this request with, or null if it may pass. */
  Fault.Respond refusal(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (access instanceof Access.Bearer) {
      if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          || authorization.substring(7).isBlank()) {
        return unauthorized("Bearer realm=\"" + realm + "\"", "A bearer token is required (Authorization: Bearer <token>)");
      }
      if (refusedTokens.test(authorization.substring(7).trim())) {
        return unauthorized("Bearer realm=\"" + realm + "\", error=\"invalid_token\"", "The bearer token is invalid or expired");
      }
    } else if (access instanceof Access.Basic basic) {
      byte[] expected = ("Basic " + Base64.getEncoder().encodeToString(
          (basic.user() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
      if (authorization == null || !MessageDigest.isEqual(expected, authorization.trim().getBytes(StandardCharsets.UTF_8))) {
        return unauthorized("Basic realm=\"" + realm + "\"", "Valid HTTP Basic credentials are required");
      }
    } else if (access instanceof Access.ApiKey apiKey) {
      String given = request.getHeader(apiKey.header());
      if (given == null || !MessageDigest.isEqual(apiKey.key().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
        return unauthorized(null, "A valid " + apiKey.header() + " header is required");
      }
    }
    return null;
  }

  private static Fault.Respond unauthorized(String challenge, String message) {
    Fault.Respond answer = Fault.status(401).body(Answers.error(ErrorCode.INT_001, message));
    return challenge == null ? answer : answer.header("WWW-Authenticate", challenge);
  }
}
