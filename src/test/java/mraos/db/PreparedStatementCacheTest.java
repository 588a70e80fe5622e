package mraos.db;

import io.vertx.pgclient.PgConnectOptions;
import mraos.config.ConfigLoader;
import mraos.config.MraosConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every SQL statement MRAOS holds as a constant fits the connections' prepared-statement cache: one that does not is
 * parsed and planned by PostgreSQL on every execution (the hot ones, a line's batch of counts and a batch of new work
 * orders, are several thousand characters long, past the pg client's default limit of 2,048).
 */
class PreparedStatementCacheTest {

  private static final Pattern SQL = Pattern.compile("^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\b", Pattern.CASE_INSENSITIVE);

  @Test
  void everyStatementFitsTheCache() throws Exception {
    PgConnectOptions options = Database.connectOptions(MraosConfig.from(ConfigLoader.defaults())
        .with(Map.of("database.url", "postgresql://localhost:5432/mraos")).database());
    assertThat(options.getCachePreparedStatements()).isTrue();

    List<String> statements = new ArrayList<>();
    List<String> tooLong = new ArrayList<>();
    for (Class<?> type : mainClasses()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getType() != String.class || !Modifier.isStatic(field.getModifiers())
            || !Modifier.isFinal(field.getModifiers())) {
          continue;
        }
        field.setAccessible(true);
        String value = (String) field.get(null);
        if (value != null && SQL.matcher(value).find()) {
          statements.add(type.getSimpleName() + "." + field.getName());
          if (!options.getPreparedStatementCacheSqlFilter().test(value)) {
            tooLong.add(type.getSimpleName() + "." + field.getName() + " (" + value.length() + " characters)");
          }
        }
      }
    }

    assertThat(statements).as("the statements found").contains("ProductionCounts.STATEMENT", "IntakeBatches.CREATE");
    assertThat(tooLong).as("statements the cache would not keep").isEmpty();
    assertThat(statements.size()).as("statements, against the cache's size per connection")
        .isLessThan(options.getPreparedStatementCacheMaxSize());
  }

  /** MRAOS's own classes (packages mraos and verticles), from the directory the build compiled them into. */
  private static List<Class<?>> mainClasses() throws URISyntaxException, java.io.IOException, ClassNotFoundException {
    Path root = Path.of(Database.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.').replaceAll("\\.class$", "");
        if (name.startsWith("mraos.") || name.startsWith("verticles.")) {
          classes.add(Class.forName(name, false, PreparedStatementCacheTest.class.getClassLoader()));
        }
      }
    }
    return classes;
  }
}
