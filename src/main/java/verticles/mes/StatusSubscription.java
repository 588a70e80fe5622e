package verticles.mes;

import io.vertx.core.Context;
import mraos.plant.MesStatusNodes.Field;
import mraos.plant.MesStatusNodes;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemSynchronizationException;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * The one subscription of an endpoint: a monitored item per status field per machine. Its notifications and its loss
 * (the server no longer knows it, or it fell silent) are handed to a {@link Listener} on the verticle's context.
 */
final class StatusSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(StatusSubscription.class);

  /** One field's new value, as the server reported it. */
  record Update(String machineId, Field field, DataValue value) {
  }

  /** Called on the context the subscription was created for. */
  interface Listener {
    void onUpdates(StatusSubscription from, List<Update> updates);

    void onLost(StatusSubscription from, String reason);
  }

  /** What an item monitors; Milo hands it back with each notification. */
  private record Key(String machineId, Field field) {
  }

  /** How the subscription is asked for: intervals from mes.opcua, the namespace the status nodes live in. */
  record Settings(String namespaceUri, Duration publishingInterval, Duration keepAlive, Duration samplingInterval) {
  }

  private final OpcUaSubscription subscription;
  private final int generation;
  private final Context context;
  private final Listener listener;
  private final List<String> refused = new ArrayList<>();
  private int monitored;

  private StatusSubscription(OpcUaSubscription subscription, int generation, Context context, Listener listener) {
    this.subscription = subscription;
    this.generation = generation;
    this.context = context;
    this.listener = listener;
  }

  /**
   * Creates the subscription and its monitored items on the server. Blocking (Milo's synchronous calls): run it in
   * {@code executeBlocking}. Notifications may arrive before this returns; they carry {@code generation}.
   */
  static StatusSubscription create(OpcUaClient client, Settings settings, Collection<String> machineIds, int generation,
                                   Context context, Listener listener) throws UaException {
    UShort namespace = namespaceIndex(client.readNamespaceTable(), settings.namespaceUri());
    OpcUaSubscription subscription = new OpcUaSubscription(client, settings.publishingInterval().toMillis());
    subscription.setTargetKeepAliveInterval(settings.keepAlive().toMillis());
    StatusSubscription status = new StatusSubscription(subscription, generation, context, listener);
    subscription.setSubscriptionListener(status.new Bridge());
    subscription.create();

    List<OpcUaMonitoredItem> items = new ArrayList<>();
    for (String machineId : machineIds) {
      for (Field field : Field.values()) {
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(MesStatusNodes.nodeId(namespace, machineId, field));
        item.setSamplingInterval(settings.samplingInterval().toMillis());
        // the latest value is all MRAOS wants from one publish to the next
        item.setQueueSize(uint(1));
        item.setDiscardOldest(true);
        item.setUserObject(new Key(machineId, field));
        items.add(item);
      }
    }
    try {
      status.createItems(items);
    } catch (UaException | RuntimeException e) {
      status.discard();
      throw e;
    }
    status.readCurrentValues(client, items);
    return status;
  }

  /**
   * Reads the current value of every monitored node in one request and hands them on as the first updates. A new
   * subscription sends its first values only at the end of its first publishing interval (30 s by default): without
   * this read, a machine's status after MRAOS (or the server) started again would wait that long. A notification
   * carrying the same values later changes nothing (a machine's message goes out only when a value changed).
   */
  private void readCurrentValues(OpcUaClient client, List<OpcUaMonitoredItem> items) {
    List<OpcUaMonitoredItem> created = items.stream()
        .filter(item -> item.getCreateResult().map(StatusCode::isGood).orElse(false)).toList();
    try {
      List<DataValue> values = client.readValues(0.0, TimestampsToReturn.Both,
          created.stream().map(item -> item.getReadValueId().getNodeId()).toList());
      List<Update> updates = new ArrayList<>(created.size());
      for (int i = 0; i < created.size(); i++) {
        if (created.get(i).getUserObject().orElse(null) instanceof Key k && values.get(i).getStatusCode().isGood()) {
          updates.add(new Update(k.machineId(), k.field(), values.get(i)));
        }
      }
      context.runOnContext(v -> listener.onUpdates(this, updates));
    } catch (UaException e) {
      LOG.warn("Could not read the machines' current status ({}); it arrives with the subscription's first publish",
          e.getMessage());
    }
  }

  /**
   * A node the server refuses (e.g. a machine it does not know) is noted and the others are kept; a request that
   * fails as a whole (the session went away meanwhile) fails the creation.
   */
  private void createItems(List<OpcUaMonitoredItem> items) throws UaException {
    subscription.addMonitoredItems(items);
    try {
      subscription.synchronizeMonitoredItems();
    } catch (MonitoredItemSynchronizationException e) {
      LOG.debug("Monitored items not all created", e);
    }
    for (OpcUaMonitoredItem item : items) {
      Optional<StatusCode> result = item.getCreateResult();
      if (result.isEmpty()) {
        throw new UaException(StatusCodes.Bad_RequestNotComplete, "creating the monitored items did not complete");
      }
      if (result.get().isGood()) {
        monitored++;
      } else {
        refused.add(item.getReadValueId().getNodeId().getIdentifier() + " ("
            + StatusCodes.lookup(result.get().value()).map(d -> d[0]).orElse(result.get().toString()) + ")");
      }
    }
    if (monitored == 0 && !items.isEmpty()) {
      throw new UaException(StatusCodes.Bad_MonitoredItemIdInvalid, "the server accepted none of the " + items.size()
          + " status nodes, e.g. " + refused.get(0));
    }
  }

  private static UShort namespaceIndex(NamespaceTable table, String namespaceUri) throws UaException {
    UShort index = table.getIndex(namespaceUri);
    if (index == null) {
      throw new UaException(StatusCodes.Bad_ConfigurationError, "the server has no namespace " + namespaceUri
          + " (mes.opcua.namespace-uri); it has " + Arrays.toString(table.toArray()));
    }
    return index;
  }

  int generation() {
    return generation;
  }

  String id() {
    return subscription.getSubscriptionId().map(String::valueOf).orElse("(none)");
  }

  int monitoredItems() {
    return monitored;
  }

  /** Status nodes the server refused, with its reason. */
  List<String> refusedItems() {
    return List.copyOf(refused);
  }

  /**
   * Stops listening, deletes the subscription on the server if the session still has it (without waiting), and
   * forgets it locally either way so that Milo no longer publishes or transfers it.
   */
  void discard() {
    subscription.setSubscriptionListener(null);
    subscription.deleteAsync().whenComplete((ok, error) -> subscription.reset());
  }

  /** Milo's callbacks, on Milo's threads: copy what is needed and hop onto the verticle's context. */
  private final class Bridge implements OpcUaSubscription.SubscriptionListener {

    @Override
    public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
      List<Update> updates = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        Optional<Object> key = items.get(i).getUserObject();
        if (key.isPresent() && key.get() instanceof Key k) {
          updates.add(new Update(k.machineId(), k.field(), values.get(i)));
        }
      }
      context.runOnContext(v -> listener.onUpdates(StatusSubscription.this, updates));
    }

    @Override
    public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
      lost("the server no longer has it (transfer after reconnecting failed: " + name(status) + ")");
    }

    @Override
    public void onWatchdogTimerElapsed(OpcUaSubscription s) {
      lost("neither data nor keep-alive arrived in time");
    }

    @Override
    public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
      if (status.isBad()) {
        lost("the server reported " + name(status));
      }
    }

    private void lost(String reason) {
      context.runOnContext(v -> listener.onLost(StatusSubscription.this, reason));
    }

    private String name(StatusCode status) {
      return StatusCodes.lookup(status.value()).map(d -> d[0]).orElse(status.toString());
    }
  }
}
