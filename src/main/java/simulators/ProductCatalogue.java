package simulators;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What the simulated home-appliance plant makes and from what: ERP's material master (spec §3.2.1) and a few products
 * with their bills of materials. Lines take the products in turn (the first line the first product, and so on).
 */
record ProductCatalogue(List<Material> materials, List<Product> products) {

  record Material(String materialId, String partNumber, String partName, String category, double standardCost) {

    /** As ERP's material master sends it. */
    JsonObject toJson() {
      return new JsonObject().put("material_id", materialId).put("part_number", partNumber).put("part_name", partName)
          .put("description", partName + " for front-loading washers").put("category", category)
          .put("unit_of_measure", "EA").put("standard_cost", standardCost).put("currency", "USD").put("is_active", true);
    }
  }

  /** One material a unit of the product takes, so many of it. */
  record Component(Material material, int perUnit) {
  }

  record Product(String productId, String name, String variant, List<Component> components) {

    /** The bill of materials of {@code quantity} units, as ERP's work order carries it. */
    JsonArray billOfMaterials(int quantity) {
      JsonArray bom = new JsonArray();
      components.forEach(c -> bom.add(new JsonObject().put("material_id", c.material().materialId())
          .put("part_number", c.material().partNumber()).put("part_name", c.material().partName())
          .put("quantity_required", c.perUnit() * quantity).put("unit_of_measure", "EA")));
      return bom;
    }
  }

  ProductCatalogue {
    materials = List.copyOf(materials);
    products = List.copyOf(products);
    if (products.isEmpty()) {
      throw new IllegalArgumentException("A catalogue needs at least one product");
    }
  }

  /** The product a line makes: lines take the products in turn. */
  Product productOfLine(int lineIndex) {
    return products.get(Math.floorMod(lineIndex, products.size()));
  }

  /** ERP's material master as its push sends it: {"materials": [...]}. */
  JsonObject materialMaster() {
    JsonArray list = new JsonArray();
    materials.forEach(m -> list.add(m.toJson()));
    return new JsonObject().put("materials", list);
  }

  /**
   * The warehouse's opening stock of every material (spec §6.2.1 shape): two batches each, the earlier-expiring one
   * smaller, so reservations are allocated FEFO across both; a safety stock a tenth of the whole.
   */
  List<JsonObject> warehouseStock(java.time.LocalDate today) {
    return materials.stream().map(m -> new JsonObject().put("material_id", m.materialId()).put("part_number", m.partNumber())
        .put("safety_stock", 1_000).put("location", "Aisle 12, Bin 3A").put("batch_details", new JsonArray()
            .add(new JsonObject().put("batch_number", "BATCH-" + m.partNumber() + "-01").put("quantity", 4_000)
                .put("expiration_date", today.plusMonths(6).toString()))
            .add(new JsonObject().put("batch_number", "BATCH-" + m.partNumber() + "-02").put("quantity", 6_000)
                .put("expiration_date", today.plusMonths(12).toString())))).toList();
  }

  /** The demo plant's washer doors, hinge sets and drums. */
  static ProductCatalogue washers() {
    Material panel = new Material("MAT-A-1234", "A-1234", "Door Panel", "Fabricated Parts", 12.50);
    Material hinge = new Material("MAT-B-5678", "B-5678", "Hinge Assembly", "Purchased Parts", 3.20);
    Material glass = new Material("MAT-C-2210", "C-2210", "Door Glass", "Purchased Parts", 6.80);
    Material gasket = new Material("MAT-D-3320", "D-3320", "Door Seal Gasket", "Purchased Parts", 2.10);
    Material rivet = new Material("MAT-E-0440", "E-0440", "Rivet M4", "Fasteners", 0.04);
    Material shell = new Material("MAT-F-7100", "F-7100", "Drum Shell", "Fabricated Parts", 21.00);
    Material bearing = new Material("MAT-G-7210", "G-7210", "Drum Bearing", "Purchased Parts", 4.75);
    return new ProductCatalogue(List.of(panel, hinge, glass, gasket, rivet, shell, bearing), List.of(
        new Product("PROD-WD-100", "Washer Door Assembly", "Standard - White",
            List.of(new Component(panel, 2), new Component(hinge, 1), new Component(glass, 1), new Component(gasket, 1))),
        new Product("PROD-HG-200", "Hinge Set", "Zinc-plated", List.of(new Component(hinge, 2), new Component(rivet, 4))),
        new Product("PROD-DR-300", "Washer Drum", "Stainless 8 kg", List.of(new Component(shell, 1), new Component(bearing, 2)))));
  }
}
