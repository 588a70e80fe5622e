package simulators;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import mraos.http.Responses;

import java.util.ArrayList;
import java.util.List;

import static simulators.SystemSimulator.CONTROL;

/**
 * The control API every simulated system offers under {@link SystemSimulator#CONTROL}, so a test or a demo in another
 * process can see what was received, script faults, take the system down for a while or reset it.
 */
final class ControlRoutes {

  private ControlRoutes() {
  }

  static void mount(Router router, Vertx vertx, SystemSimulator simulator, FaultScript faults) {
    router.get(CONTROL + "received").handler(ctx -> {
      String path = ctx.queryParams().get("path");
      List<ReceivedRequest> requests = path == null ? simulator.received() : simulator.received(path);
      JsonArray list = new JsonArray();
      requests.forEach(request -> list.add(request.toJson()));
      Responses.json(ctx, 200, new JsonObject().put("received", list).put("count", list.size()));
    });
    router.delete(CONTROL + "received").handler(ctx -> {
      simulator.clear();
      ctx.response().setStatusCode(204).end();
    });
    router.post(CONTROL + "faults").handler(ctx -> {
      JsonObject script = JsonBodies.object(ctx);
      if (!(script.getValue("path") instanceof String path) || !path.startsWith("/")) {
        throw new IllegalArgumentException("\"path\" must be the exact request path, starting with /");
      }
      if (!(script.getValue("faults") instanceof JsonArray list)) {
        throw new IllegalArgumentException("\"faults\" must be an array of faults");
      }
      List<Fault> parsed = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof JsonObject json)) {
          throw new IllegalArgumentException("each fault must be an object, not " + item);
        }
        parsed.add(Fault.fromJson(json));
      }
      simulator.fault(path, parsed.toArray(Fault[]::new));
      Responses.json(ctx, 200, new JsonObject().put("path", path).put("pending", simulator.pendingFaults(path).size()));
    });
    router.get(CONTROL + "faults").handler(ctx ->
        Responses.json(ctx, 200, new JsonObject().put("faults", faults.pendingJson())));
    router.delete(CONTROL + "faults").handler(ctx -> {
      simulator.clearFaults();
      ctx.response().setStatusCode(204).end();
    });
    router.post(CONTROL + "down").handler(ctx -> {
      String seconds = ctx.queryParams().get("seconds");
      long outage;
      try {
        outage = Long.parseLong(seconds == null ? "" : seconds.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("?seconds=N is required: how long the outage lasts");
      }
      if (outage < 1 || outage > 86_400) {
        throw new IllegalArgumentException("seconds must be 1..86400, not " + outage);
      }
      // the answer goes out before the port closes, so the caller learns when it comes back
      Responses.json(ctx, 202, new JsonObject().put("down_for_seconds", outage).put("port", simulator.port()))
          .onComplete(sent -> simulator.down().onComplete(closed -> vertx.setTimer(outage * 1000, timer -> simulator.up())));
    });
    router.post(CONTROL + "reset").handler(ctx -> {
      simulator.reset();
      ctx.response().setStatusCode(204).end();
    });
  }
}
