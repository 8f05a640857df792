package dev.pfgm.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's shape, checked on the compiled classes of every module (this module has them all
 * on its class path): no package cycles, an engine that knows nothing of the service, and the
 * modules' layers (docs/architecture.md draws them).
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pfgm");
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching("dev.pfgm.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void engineImportsNothingOfTheService() {
        noClasses().that().resideInAPackage("dev.pfgm.engine..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "java.sql..", "javax.sql..", "io.minio..", "io.vertx..",
                        "org.postgresql..", "org.flywaydb..", "com.zaxxer..", "software.amazon..", "com.amazonaws..",
                        "dev.pfgm.shared.store..", "dev.pfgm.worker..", "dev.pfgm.synthesis..", "dev.pfgm.gateway..",
                        "dev.pfgm.stack..", "dev.pfgm.launcher..", "dev.pfgm.client..")
                .check(classes);
    }

    /** Numerics at the bottom, sampling on them, the model on sampling, training and scoring on the model. */
    @Test
    void enginePackagesAreLayered() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Tasks").definedBy("dev.pfgm.engine.train..", "dev.pfgm.engine.likelihood..",
                        "dev.pfgm.engine.eval..")
                .layer("Model").definedBy("dev.pfgm.engine.model..")
                .layer("Sampling").definedBy("dev.pfgm.engine.sample..")
                .layer("Numerics").definedBy("dev.pfgm.engine.flow..", "dev.pfgm.engine.field..",
                        "dev.pfgm.engine.nn..", "dev.pfgm.engine.ode..", "dev.pfgm.engine.data..",
                        "dev.pfgm.engine.random..")
                .whereLayer("Tasks").mayNotBeAccessedByAnyLayer()
                .whereLayer("Model").mayOnlyBeAccessedByLayers("Tasks")
                .whereLayer("Sampling").mayOnlyBeAccessedByLayers("Model", "Tasks")
                .check(classes);
    }

    @Test
    void modulesAreLayered() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Launcher").definedBy("dev.pfgm.launcher..")
                .layer("Stack").definedBy("dev.pfgm.stack..")
                .layer("Gateway").definedBy("dev.pfgm.gateway..")
                .layer("Worker").definedBy("dev.pfgm.worker..")
                .layer("Synthesis").definedBy("dev.pfgm.synthesis..")
                .layer("Engine").definedBy("dev.pfgm.engine..")
                .layer("Client").definedBy("dev.pfgm.client..")
                .layer("Store").definedBy("dev.pfgm.shared.store..")
                .layer("Shared").definedBy(resideInAPackage("dev.pfgm.shared..")
                        .and(not(resideInAPackage("dev.pfgm.shared.store.."))))
                .whereLayer("Launcher").mayNotBeAccessedByAnyLayer()
                .whereLayer("Stack").mayOnlyBeAccessedByLayers("Launcher")
                .whereLayer("Gateway").mayOnlyBeAccessedByLayers("Stack", "Launcher")
                .whereLayer("Worker").mayOnlyBeAccessedByLayers("Stack", "Launcher")
                .whereLayer("Synthesis").mayOnlyBeAccessedByLayers("Worker", "Launcher")
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("Synthesis", "Worker", "Stack", "Launcher")
                .whereLayer("Client").mayOnlyBeAccessedByLayers("Launcher")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Gateway", "Worker", "Stack", "Launcher")
                .check(classes);
    }
}
