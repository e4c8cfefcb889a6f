package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The runtime's {@code module-info}: exactly the API packages are exported, and the seam ({@code
 * internal}) and the PROCESS backend ({@code process}) are not — read from the compiled descriptor,
 * then shown in a real module layer. The other tests run on the class path (as worker JVMs do).
 */
class ModuleDescriptorTest {
  /** The packages users may use. A new package is internal until it is added here and exported. */
  static final Set<String> API =
      Set.of(
          "io.celestialflow",
          "io.celestialflow.codec",
          "io.celestialflow.event",
          "io.celestialflow.graph",
          "io.celestialflow.jfr",
          "io.celestialflow.launch",
          "io.celestialflow.progress",
          "io.celestialflow.spi",
          "io.celestialflow.structure");

  static final Set<String> INTERNAL =
      Set.of("io.celestialflow.internal", "io.celestialflow.process");

  private static final String SEAM_SERVICE = "io.celestialflow.internal.ProcessBackend";
  private static final String BACKEND = "io.celestialflow.process.WorkerProcessBackend";

  /** The compiled main classes: target/classes, where module-info.class is. */
  static Path classes() {
    try {
      return Path.of(TaskStage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ModuleDescriptor descriptor() {
    return ModuleFinder.of(classes())
        .find("io.celestialflow")
        .orElseThrow(() -> new AssertionError("no module io.celestialflow in " + classes()))
        .descriptor();
  }

  @Test
  void exactlyTheApiPackagesAreExportedToEveryone() {
    ModuleDescriptor d = descriptor();
    assertThat(d.isAutomatic()).isFalse();
    assertThat(d.exports())
        .as("no package is exported to chosen modules only")
        .allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(API);
    assertThat(d.packages())
        .as("every package is either API or internal")
        .containsExactlyInAnyOrderElementsOf(union(API, INTERNAL));
  }

  @Test
  void theSeamAndTheProcessBackendAreNotExported() {
    ModuleDescriptor d = descriptor();
    Set<String> exported =
        d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    assertThat(d.packages()).containsAll(INTERNAL);
    assertThat(exported).doesNotContainAnyElementsOf(INTERNAL);
    assertThat(d.packages())
        .as("the old worker package is gone")
        .doesNotContain("io.celestialflow.worker");
    assertThat(d.opens()).as("nothing is open to deep reflection").isEmpty();
    assertThat(d.isOpen()).isFalse();
  }

  @Test
  void dependenciesServicesAndBackendAreDeclared() {
    ModuleDescriptor d = descriptor();
    Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires =
        d.requires().stream()
            .filter(r -> !r.name().equals("java.base"))
            .collect(Collectors.toMap(ModuleDescriptor.Requires::name, r -> r.modifiers()));
    assertThat(requires)
        .containsOnlyKeys(
            "org.slf4j", "com.google.gson", "org.jgrapht.core", "org.jspecify", "jdk.jfr");
    assertThat(requires.get("org.jspecify")).contains(ModuleDescriptor.Requires.Modifier.STATIC);
    assertThat(d.uses())
        .containsExactlyInAnyOrder("io.celestialflow.spi.LauncherExtension", SEAM_SERVICE);
    assertThat(d.provides())
        .extracting(p -> p.service() + " with " + p.providers())
        .containsExactly(SEAM_SERVICE + " with [" + BACKEND + "]");
  }

  /**
   * The descriptor resolves with the runtime's real dependencies, and in the resulting layer code
   * outside the module can use the API but not the seam or the backend, which the engine reaches
   * through its service loader.
   */
  @Test
  void inAModuleLayerOnlyTheApiIsAccessible() throws Exception {
    List<Path> path = new ArrayList<>();
    path.add(classes());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String file = Path.of(entry).getFileName().toString();
      if (file.matches("(gson|slf4j-api|jgrapht-core|jheaps|apfloat|jspecify)-[0-9].*\\.jar")) {
        path.add(Path.of(entry));
      }
    }
    ModuleLayer boot = ModuleLayer.boot();
    Configuration cf =
        boot.configuration()
            .resolveAndBind(
                ModuleFinder.of(path.toArray(Path[]::new)),
                ModuleFinder.of(),
                Set.of("io.celestialflow"));
    ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    Module runtime = layer.findModule("io.celestialflow").orElseThrow();
    Module gson = layer.findModule("com.google.gson").orElseThrow();

    assertThat(runtime.getDescriptor().packages())
        .allSatisfy(p -> {
          boolean api = API.contains(p);
          assertThat(runtime.isExported(p)).as("%s exported", p).isEqualTo(api);
        });
    assertThat(runtime.isOpen("io.celestialflow.process", gson)).isFalse();

    ClassLoader loader = runtime.getClassLoader();
    Class<?> api = loader.loadClass("io.celestialflow.WorkerCrashedException");
    assertThat(api.getConstructor(String.class).newInstance("reachable")).isNotNull();
    Class<?> backend = loader.loadClass(BACKEND);
    assertThatThrownBy(() -> backend.getConstructor().newInstance())
        .as("a public class of a package the module does not export")
        .isInstanceOf(IllegalAccessException.class);

    // Gson, a module of its own here, writes and reads Topology's records with no package open.
    Class<?> analysis = loader.loadClass("io.celestialflow.structure.GraphAnalysis");
    Object topology =
        analysis
            .getMethod("topology")
            .invoke(
                analysis
                    .getMethod("of", List.class, Collection.class)
                    .invoke(null, List.of("a", "b"), List.of()));
    String json = (String) topology.getClass().getMethod("toJson").invoke(topology);
    assertThat(topology.getClass().getMethod("fromJson", String.class).invoke(null, json))
        .isEqualTo(topology);

    assertThatThrownBy(() -> ServiceLoader.load(layer, loader.loadClass(SEAM_SERVICE)))
        .as("the seam is not even visible to the service loader outside the module")
        .hasMessageContaining("not accessible");

    // Inside the module, the engine finds the backend (uses ... provides ...) when a PROCESS stage
    // is built, and the backend refuses: worker JVMs start with the class path only.
    Class<?> stageClass = loader.loadClass("io.celestialflow.codec.GsonCodecFactory");
    Object builder =
        loader
            .loadClass("io.celestialflow.TaskStage")
            .getMethod("processConsumer", String.class, Class.class)
            .invoke(null, "layered", stageClass);
    assertThatThrownBy(() -> builder.getClass().getMethod("build").invoke(builder))
        .isInstanceOf(InvocationTargetException.class)
        .cause()
        .hasMessage(
            "stage 'layered': worker JVMs start with the class path only (java.class.path), but"
                + " the runtime runs as module io.celestialflow; run PROCESS stages with the"
                + " runtime and the stage's classes on the class path");
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
