package verticles.workorders;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import mraos.config.MraosConfig;
import mraos.workorders.StartEffect;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The {@link StartEffect}s on the class path, and how their parts are added to an answer. */
final class StartEffects {

  private StartEffects() {
  }

  static List<StartEffect> load(Vertx vertx, MraosConfig config) {
    List<StartEffect> effects = new ArrayList<>();
    ServiceLoader.load(StartEffect.class).forEach(effect -> {
      effect.configure(vertx, config);
      effects.add(effect);
    });
    return List.copyOf(effects);
  }

  /** The start's answer with each effect's part (under its name) once it has it. */
  static Future<JsonObject> answers(List<StartEffect> effects, String workOrderId, JsonObject answer) {
    Future<JsonObject> chain = Future.succeededFuture(answer);
    for (StartEffect effect : effects) {
      chain = chain.compose(a -> effect.answer(workOrderId)
          .map(part -> part == null ? a : a.put(effect.name(), part)));
    }
    return chain;
  }

  /** The order's JSON with what each effect holds about it (under its name). */
  static Future<JsonObject> described(List<StartEffect> effects, SqlClient db, String workOrderId, JsonObject order) {
    Future<JsonObject> chain = Future.succeededFuture(order);
    for (StartEffect effect : effects) {
      chain = chain.compose(o -> effect.describe(db, workOrderId).map(part -> part == null ? o : o.put(effect.name(), part)));
    }
    return chain;
  }
}
