package testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Direct SQL on the test database: to check what MRAOS stored, and to play systems that write there (stock levels). */
public final class Db {

  private final String url;
  private final String user;
  private final String password;

  public Db(String postgresUrl, String user, String password) {
    this.url = "jdbc:" + postgresUrl;
    this.user = user;
    this.password = password;
  }

  public List<Map<String, Object>> rows(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(url, user, password); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnLabel(i), rs.getObject(i));
          }
          rows.add(row);
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public Object value(String sql, Object... params) {
    List<Map<String, Object>> rows = rows(sql, params);
    return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
  }

  public long count(String sql, Object... params) {
    return ((Number) value(sql, params)).longValue();
  }

  public int exec(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(url, user, password); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
  }
}
