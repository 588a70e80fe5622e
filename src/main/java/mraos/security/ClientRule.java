package mraos.security;

import java.util.Set;

/**
 * Which clients may do something: those named, or (when a scope is given) any client whose token carries that scope.
 * E.g. acting for ERP: {@code allowed-clients: [erp-connector]} or {@code required-scope: erp.write}.
 */
public record ClientRule(String action, Set<String> clients, String scope) {

  public ClientRule {
    clients = Set.copyOf(clients);
    scope = scope == null ? "" : scope;
  }

  public boolean allows(Caller caller) {
    return clients.contains(caller.clientId()) || (!scope.isEmpty() && caller.scopes().contains(scope));
  }
}
