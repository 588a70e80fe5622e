package mraos.http;

/**
 * An area's HTTP routes. Implementations are found with {@link java.util.ServiceLoader} (META-INF/services), one
 * instance per gateway instance, and each mounts its routes on that instance's router: the gateway knows no area by
 * name. Implementations need a public no-argument constructor.
 */
public interface ApiRoutes {

  /** Mounts the area's routes (called once per gateway instance, on its event loop). */
  void mount(ApiContext api);
}
