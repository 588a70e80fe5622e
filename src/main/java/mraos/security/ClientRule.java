package mraos.security;

import java.util.Set;

/**
 * Which clients may do something: those named, or (when a scope is given) any known client whose token carries that
 * scope. E.g. acting for ERP: {@code allowed-clients: [erp-connector]} or {@code required-scope: erp.write}.
 */
public record ClientRule(String action, Set<String> clients, String scope, Set<String> knownClients) {

  public ClientRule {
    clients = Set.copyOf(clients);
    scope = scope == null ? "" : scope;
    knownClients = Set.copyOf(knownClients);
  }

  /** Only the clients named. */
  public static ClientRule only(String action, Set<String> clients) {
    return new ClientRule(action, clients, "", Set.of());
  }

  public boolean allows(Caller caller) {
    return clients.contains(caller.clientId())
        || (!scope.isEmpty() && knownClients.contains(caller.clientId()) && caller.scopes().contains(scope));
  }
}
