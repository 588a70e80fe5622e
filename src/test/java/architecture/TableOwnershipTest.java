package architecture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner per table: the SQL that writes a table (INSERT, UPDATE, DELETE in the string literals and text blocks of
 * src/main) stands in one package only. Other packages change it through the owner's operations (the machinery's
 * contracts, ServiceLoader, the event bus), or, for the outbox, through {@code Outbox.APPEND}.
 */
class TableOwnershipTest {

  static final Path MAIN = Path.of("src/main/java");
  /** A write: INSERT INTO t, UPDATE t (not the DO UPDATE of an upsert), DELETE FROM t. */
  static final Pattern WRITE = Pattern.compile("(?i)(?:insert\\s+into|(?<!do\\s)\\bupdate|delete\\s+from)\\s+([a-z_][a-z0-9_]*)");
  /** Java string literals and text blocks. */
  static final Pattern STRINGS = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);

  /** table → the packages whose SQL writes it. */
  static Map<String, Set<String>> writers;

  @BeforeAll
  static void read() throws IOException {
    writers = writers(MAIN);
  }

  static Map<String, Set<String>> writers(Path root) throws IOException {
    Map<String, Set<String>> found = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
        Matcher strings = STRINGS.matcher(read(file));
        while (strings.find()) {
          String literal = strings.group(1) != null ? strings.group(1) : strings.group(2);
          Matcher write = WRITE.matcher(literal);
          while (write.find()) {
            found.computeIfAbsent(write.group(1).toLowerCase(), t -> new TreeSet<>()).add(pkg);
          }
        }
      });
    }
    return found;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyTableIsWrittenFromOnePackage() {
    Map<String, Set<String>> shared = new TreeMap<>();
    writers.forEach((table, packages) -> {
      if (packages.size() > 1) {
        shared.put(table, packages);
      }
    });
    assertThat(writers).as("tables written by MRAOS's SQL").containsKeys("work_orders", "outbox_events", "machines");
    assertThat(shared).as("tables written from more than one package").isEmpty();
  }

  @Test
  void onlyTheWorkOrderAreaWritesWorkOrders() {
    assertThat(writers.get("work_orders")).containsExactly("verticles.workorders");
    assertThat(writers.get("work_order_bom")).containsExactly("verticles.workorders");
    assertThat(writers.get("production_logs")).containsExactly("verticles.workorders");
  }
}
