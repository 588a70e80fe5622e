package simulators;

import mraos.plant.MesStatusNodes.Field;
import mraos.plant.MesStatusNodes;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MES simulator's address space: Objects/MES/Machines/&lt;id&gt;/Status/&lt;Field&gt;, read-only variables whose
 * values {@link MesOpcUaServer} sets. Milo's {@link SubscriptionModel} samples them for subscribers.
 */
final class MesStatusNamespace extends ManagedNamespaceWithLifecycle {

  private final SubscriptionModel subscriptions;
  private final Map<String, Map<Field, UaVariableNode>> variables = new ConcurrentHashMap<>();

  MesStatusNamespace(OpcUaServer server, String namespaceUri, Map<String, MachineStatuses.Reported> initial) {
    super(server, namespaceUri);
    subscriptions = new SubscriptionModel(server, this);
    getLifecycleManager().addLifecycle(subscriptions);
    getLifecycleManager().addStartupTask(() -> build(initial));
  }

  private void build(Map<String, MachineStatuses.Reported> initial) {
    UaFolderNode mes = folder(MesStatusNodes.ROOT, "MES");
    mes.addReference(new Reference(mes.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
    UaFolderNode machines = folder(MesStatusNodes.MACHINES, "Machines");
    mes.addOrganizes(machines);
    initial.forEach((machineId, reported) -> {
      UaFolderNode machine = folder(MesStatusNodes.machine(machineId), machineId);
      machines.addOrganizes(machine);
      UaFolderNode status = folder(MesStatusNodes.status(machineId), "Status");
      machine.addOrganizes(status);
      Map<Field, UaVariableNode> fields = new EnumMap<>(Field.class);
      for (Field field : Field.values()) {
        UaVariableNode variable = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(MesStatusNodes.field(machineId, field)))
            .setBrowseName(newQualifiedName(field.browseName()))
            .setDisplayName(LocalizedText.english(field.browseName()))
            .setDataType(dataType(field))
            .setTypeDefinition(NodeIds.BaseDataVariableType)
            .setAccessLevel(AccessLevel.READ_ONLY)
            .setUserAccessLevel(AccessLevel.READ_ONLY)
            .setValue(value(field, reported))
            .build();
        getNodeManager().addNode(variable);
        status.addOrganizes(variable);
        fields.put(field, variable);
      }
      variables.put(machineId, fields);
    });
  }

  /** Shows a machine's new values; all carry the same source time, the moment the MES saw them change. */
  void show(String machineId, MachineStatuses.Reported reported) {
    Map<Field, UaVariableNode> fields = variables.get(machineId);
    if (fields != null) {
      fields.forEach((field, variable) -> variable.setValue(value(field, reported)));
    }
  }

  private UaFolderNode folder(String id, String name) {
    UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(id), newQualifiedName(name), LocalizedText.english(name));
    getNodeManager().addNode(folder);
    return folder;
  }

  private static NodeId dataType(Field field) {
    return switch (field) {
      case CURRENT_STATUS, CURRENT_WORK_ORDER_ID, LAST_UPDATE_TIMESTAMP -> NodeIds.String;
      case UTILIZATION_PERCENTAGE, CYCLE_TIME_SECONDS -> NodeIds.Double;
      case UNITS_PRODUCED_THIS_CYCLE, DOWNTIME_SECONDS -> NodeIds.Int32;
    };
  }

  private static DataValue value(Field field, MachineStatuses.Reported reported) {
    MesOpcUaServer.Status s = reported.status();
    Object value = switch (field) {
      case CURRENT_STATUS -> s.currentStatus();
      case UTILIZATION_PERCENTAGE -> s.utilizationPercentage();
      case CURRENT_WORK_ORDER_ID -> s.currentWorkOrderId();
      case UNITS_PRODUCED_THIS_CYCLE -> s.unitsProducedThisCycle();
      case CYCLE_TIME_SECONDS -> s.cycleTimeSeconds();
      case DOWNTIME_SECONDS -> s.downtimeSeconds();
      case LAST_UPDATE_TIMESTAMP -> reported.at().toString();
    };
    return new DataValue(new Variant(value), StatusCode.GOOD, new DateTime(reported.at()), DateTime.now());
  }

  @Override
  public void onDataItemsCreated(List<DataItem> items) {
    subscriptions.onDataItemsCreated(items);
  }

  @Override
  public void onDataItemsModified(List<DataItem> items) {
    subscriptions.onDataItemsModified(items);
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> items) {
    subscriptions.onDataItemsDeleted(items);
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> items) {
    subscriptions.onMonitoringModeChanged(items);
  }
}
