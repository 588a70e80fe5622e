package verticles.lines;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import mraos.events.Addresses;
import mraos.http.ApiContext;
import mraos.http.ApiRoutes;
import mraos.http.Json;
import mraos.security.Authorization;
import mraos.security.ClientRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The supervisors' live feed: {@code GET /api/v1/live} upgraded to a WebSocket (bearer token in the Authorization header,
 * or {@code ?access_token=} where a browser cannot set headers). A screen subscribes to one line, several, or all
 * ({@code ?lines=line2} or the message {@code {"subscribe": ["line2"]}} / {@code {"subscribe": "all"}}), gets a snapshot
 * of those lines' machines, then every machine status change, work-order progress, inspection, downtime and alert as it
 * happens, and the plant-wide events (an operator clocking in or out) whatever lines it follows. One hub per gateway instance takes the cluster-wide feed; a screen that cannot keep up misses events (and
 * is told so) rather than slowing the plant down.
 */
public final class LiveFeed implements ApiRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  public static final String PATH = "/api/v1/live";
  static final String SNAPSHOT = """
      SELECT machine_id, line_id, name, current_status, utilization_percentage, current_work_order_id, last_update_at
        FROM machines WHERE ($1::text[] IS NULL OR line_id = ANY($1)) ORDER BY line_id, machine_id""";

  private Vertx vertx;
  private Pool pool;
  /** Each open screen and the lines it follows (null: all). Touched on this gateway instance's event loop only. */
  private final Map<ServerWebSocket, Set<String>> screens = new HashMap<>();
  private final Map<ServerWebSocket, Integer> dropped = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;

  /** Found by ServiceLoader: each gateway instance mounts its own hub. */
  public LiveFeed() {
  }

  @Override
  public void mount(ApiContext api) {
    vertx = api.vertx();
    pool = api.pool();
    ClientRule readers = ClientRule.only("follow the live feed", api.config().security().knownClients());
    api.router().get(PATH).handler(Authorization.require(readers)).handler(ctx -> {
      String lines = ctx.queryParams().get("lines");
      ctx.request().toWebSocket().onSuccess(ws -> open(ws, lines)).onFailure(ctx::fail);
    });
  }

  private void open(ServerWebSocket ws, String lines) {
    if (consumer == null) {
      consumer = vertx.eventBus().consumer(Addresses.LIVE, message -> dispatch(message.body()));
    }
    screens.put(ws, null);
    subscribe(ws, lines == null || lines.isBlank() || lines.equals("all") ? null : lineSet(lines));
    ws.textMessageHandler(text -> {
      try {
        Object subscribe = new JsonObject(text).getValue("subscribe");
        if ("all".equals(subscribe)) {
          subscribe(ws, null);
        } else if (subscribe instanceof JsonArray list) {
          Set<String> chosen = new HashSet<>();
          list.forEach(l -> chosen.add(String.valueOf(l)));
          subscribe(ws, chosen);
        } else {
          send(ws, new JsonObject().put("type", "error").put("message", "send {\"subscribe\": [\"line2\"]} or {\"subscribe\": \"all\"}"));
        }
      } catch (RuntimeException e) {
        send(ws, new JsonObject().put("type", "error").put("message", "messages must be JSON"));
      }
    });
    ws.closeHandler(v -> {
      screens.remove(ws);
      dropped.remove(ws);
    });
  }

  /** {@code ?lines=line2,line3} as a set (blanks and repeats ignored). */
  private static Set<String> lineSet(String lines) {
    Set<String> set = new HashSet<>();
    for (String line : lines.split(",")) {
      if (!line.isBlank()) {
        set.add(line.trim());
      }
    }
    return set;
  }

  /** Follows these lines (null: all) and gets a snapshot of their machines first. */
  private void subscribe(ServerWebSocket ws, Set<String> lines) {
    screens.put(ws, lines);
    String[] filter = lines == null ? null : lines.toArray(String[]::new);
    pool.preparedQuery(SNAPSHOT).execute(Tuple.of((Object) filter)).onComplete(ar -> {
      JsonArray machines = new JsonArray();
      if (ar.succeeded()) {
        for (Row row : ar.result()) {
          machines.add(new JsonObject().put("machine_id", row.getString("machine_id")).put("line_id", row.getString("line_id"))
              .put("name", row.getString("name")).put("status", row.getString("current_status"))
              .put("utilization_percentage", Json.number(row.getBigDecimal("utilization_percentage")))
              .put("current_work_order_id", row.getString("current_work_order_id"))
              .put("last_update_at", Json.time(Json.instant(row.getOffsetDateTime("last_update_at")))));
        }
      }
      JsonObject subscribed = new JsonObject().put("type", "subscribed")
          .put("lines", lines == null ? "all" : new JsonArray(lines.stream().sorted().toList())).put("machines", machines);
      if (ar.failed()) {
        LOG.warn("Live feed: could not read the machines' snapshot ({}); the screen gets changes only", ar.cause().getMessage());
        subscribed.put("snapshot_error", "the machines' current status could not be read; changes follow as they happen");
      }
      send(ws, subscribed);
    });
  }

  /** A line's event goes to the screens that follow it; a plant-wide one (no line_id: an operator's status) to all. */
  private void dispatch(JsonObject event) {
    String line = event.getString("line_id");
    screens.forEach((ws, lines) -> {
      if (lines == null || line == null || lines.contains(line)) {
        send(ws, event);
      }
    });
  }

  private void send(ServerWebSocket ws, JsonObject event) {
    if (ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      int missed = dropped.merge(ws, 1, Integer::sum);
      if (missed == 1) {
        LOG.info("A live-feed screen cannot keep up; it misses events until it does");
      }
      return;
    }
    Integer missed = dropped.remove(ws);
    if (missed != null) {
      ws.writeTextMessage(new JsonObject().put("type", "missed").put("events", missed).encode());
    }
    ws.writeTextMessage(event.encode());
  }
}
