package architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The walls of the code (docs/architecture.md, "Package map"): the machinery ({@code mraos..}) holds what the areas
 * share and never depends on an area; an area ({@code verticles.<area>..}) never depends on another; only the
 * composition root ({@code mraos.node}) sees everything; the simulators are stand-ins nothing else uses; no package
 * depends on itself in a circle. Checked on the compiled classes of src/main.
 */
class WallsTest {

  static final String ROOT = "mraos.node..";
  static JavaClasses main;

  @BeforeAll
  static void importMain() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages("mraos", "verticles", "simulators");
  }

  @Test
  void theMachineryNeverDependsOnAnArea() {
    ArchRule rule = noClasses().that().resideInAPackage("mraos..").and().resideOutsideOfPackage(ROOT)
        .should().dependOnClassesThat().resideInAPackage("verticles..")
        .because("the machinery holds the contracts the areas share; areas plug in through ServiceLoader or the event bus");
    rule.check(main);
  }

  @Test
  void noAreaDependsOnAnother() {
    slices().matching("verticles.(*)..").namingSlices("area $1").should().notDependOnEachOther()
        .because("areas talk over the event bus or through the machinery's contracts").check(main);
  }

  @Test
  void onlyTheCompositionRootSeesItself() {
    noClasses().that().resideOutsideOfPackage(ROOT).should().dependOnClassesThat().resideInAPackage(ROOT)
        .because("Main and Node wire everything; nothing is wired to them").check(main);
  }

  @Test
  void theSimulatorsAreStandInsNothingElseUses() {
    noClasses().that().resideOutsideOfPackages(ROOT, "simulators..").should().dependOnClassesThat()
        .resideInAPackage("simulators..").because("they play the plant's systems in tests and in --simulate").check(main);
    noClasses().that().resideInAPackage("simulators..").should().dependOnClassesThat().resideInAnyPackage("verticles..",
        "mraos.node..").because("they share only the plant model, the MES's node ids and the spec's wire formats").check(main);
  }

  @Test
  void noPackageCycles() {
    slices().matching("(**)").namingSlices("package $1").should().beFreeOfCycles().check(main);
  }
}
