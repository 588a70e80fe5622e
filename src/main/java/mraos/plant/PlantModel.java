package mraos.plant;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plant's production lines and machines ({@code conf/plant.yaml}): which machines exist, on which line. Immutable;
 * read once at start-up and written into {@code production_lines} and {@code machines}.
 */
public record PlantModel(List<Line> lines) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  /**
   * @param costCenter the cost center the line's material consumption is booked to (spec §6.2.2): {@code cost-center}
   *                   in the plant model, else {@code CC-Manufacturing-<name without spaces>} ("Line 2": CC-Manufacturing-Line2)
   */
  public record Line(String id, String name, List<Machine> machines, String costCenter) {
    public Line(String id, String name, List<Machine> machines) {
      this(id, name, machines, "CC-Manufacturing-" + name.replace(" ", ""));
    }
  }

  public record Machine(String id, String lineId, String name, String type) {
  }

  public PlantModel {
    lines = List.copyOf(lines);
  }

  /** Reads the file named by {@code plant.model}, else the demo plant packaged in the jar. */
  public static PlantModel load(Path file) {
    if (file != null && Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        return parse(in, file.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the plant model " + file.toAbsolutePath(), e);
      }
    }
    try (InputStream in = PlantModel.class.getClassLoader().getResourceAsStream("conf/plant.yaml")) {
      if (in == null) {
        throw new IllegalStateException("No plant model: " + file + " does not exist and the jar carries none");
      }
      return parse(in, "conf/plant.yaml (packaged)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static PlantModel parse(InputStream in, String source) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    if (!(doc instanceof Map<?, ?> root) || !(root.get("lines") instanceof List<?> lineList)) {
      throw new IllegalArgumentException("Plant model " + source + " must have a list of lines");
    }
    List<Line> lines = new ArrayList<>();
    Set<String> lineIds = new HashSet<>();
    Set<String> lineNames = new HashSet<>();
    Set<String> machineIds = new HashSet<>();
    for (Object l : lineList) {
      Map<String, Object> line = (Map<String, Object>) l;
      String lineId = id(line.get("id"), source, "line id");
      String name = String.valueOf(line.getOrDefault("name", lineId));
      if (!lineIds.add(lineId) || !lineNames.add(name)) {
        throw new IllegalArgumentException("Plant model " + source + ": line " + lineId + " (" + name + ") appears twice");
      }
      List<Machine> machines = new ArrayList<>();
      for (Object m : (List<Object>) line.getOrDefault("machines", List.of())) {
        Map<String, Object> machine = (Map<String, Object>) m;
        String machineId = id(machine.get("id"), source, "machine id");
        if (!machineIds.add(machineId)) {
          throw new IllegalArgumentException("Plant model " + source + ": machine " + machineId + " appears twice");
        }
        machines.add(new Machine(machineId, lineId, String.valueOf(machine.getOrDefault("name", machineId)),
            String.valueOf(machine.getOrDefault("type", "machine"))));
      }
      Object costCenter = line.get("cost-center");
      lines.add(costCenter == null ? new Line(lineId, name, List.copyOf(machines))
          : new Line(lineId, name, List.copyOf(machines), costCenter.toString()));
    }
    return new PlantModel(lines);
  }

  private static String id(Object value, String source, String what) {
    if (value == null || !ID.matcher(value.toString()).matches()) {
      throw new IllegalArgumentException("Plant model " + source + ": " + what + " '" + value
          + "' must be 1-32 letters, digits, '.', '_' or '-'");
    }
    return value.toString();
  }

  public Optional<Line> line(String lineId) {
    return lines.stream().filter(l -> l.id().equals(lineId)).findFirst();
  }

  public Optional<Machine> machine(String machineId) {
    return lines.stream().flatMap(l -> l.machines().stream()).filter(m -> m.id().equals(machineId)).findFirst();
  }

  public List<Machine> machines() {
    return lines.stream().flatMap(l -> l.machines().stream()).toList();
  }

  /** Line id → line name, e.g. line2 → "Line 2". */
  public Map<String, String> lineNames() {
    Map<String, String> names = new LinkedHashMap<>();
    lines.forEach(l -> names.put(l.id(), l.name()));
    return names;
  }
}
