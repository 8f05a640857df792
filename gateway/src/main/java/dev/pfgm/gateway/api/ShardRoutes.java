package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ShardStore;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * /v1/jobs/{id}/shards: a synthesis's shards for the dashboard's shard map and for operators:
 * counts per status, one letter per shard (q, r, s, f, c) and a page of shard rows (first row,
 * rows, rows done, attempt, worker, part size and checksum, error).
 */
public record ShardRoutes(Endpoint endpoint, JobStore jobs, ShardStore shards) {

    public void mount(Router r) {
        r.get("/v1/jobs/:id/shards").handler(ctx -> endpoint.run(ctx, caller -> {
            JobRecord j = JobRoutes.find(jobs, caller.tenant(), ctx.pathParam("id"));
            if (j.type() != JobType.SYNTHESIZE) {
                throw new ApiException(404, "Not Found", "job " + j.id() + " is a " + j.type().wireName()
                        + " job; only synthesize jobs have shards");
            }
            int after = (int) JobRoutes.longParam(ctx, "after", -1, -1, Integer.MAX_VALUE);
            int limit = (int) JobRoutes.longParam(ctx, "limit", 100, 1, 1000);
            ShardStore.Counts k = shards.counts(j.id());
            ObjectNode body = Json.object();
            body.putObject("counts").put("total", k.total()).put("queued", k.queued()).put("running", k.running())
                    .put("succeeded", k.succeeded()).put("failed", k.failed()).put("cancelled", k.cancelled());
            body.put("rows_done", k.rowsDone()).put("rows", k.rows());
            body.put("map", shards.statusMap(j.id()));
            ArrayNode data = body.putArray("data");
            List<ShardStore.ShardRecord> page = shards.list(j.id(), after, limit + 1);
            boolean more = page.size() > limit;
            for (ShardStore.ShardRecord s : more ? page.subList(0, limit) : page) {
                ObjectNode o = data.addObject();
                o.put("index", s.index()).put("status", s.status().wireName()).put("first_row", s.firstRow())
                        .put("rows", s.rows()).put("rows_done", s.rowsDone()).put("attempt", s.attempt())
                        .put("worker", s.worker() != null ? s.worker() : s.leaseOwner())
                        .put("started_at", Views.time(s.startedAt())).put("finished_at", Views.time(s.finishedAt()));
                if (s.sha256() != null) {
                    o.put("name", s.files().path(0).path("name").asText()).put("bytes", s.bytes())
                            .put("sha256", s.sha256());
                }
                if (s.stats() != null) {
                    o.put("seconds", s.stats().path("seconds").asDouble());
                    // where the time went: model, draw, write, upload (the rest of the shard's wall time
                    // between claim and commit is the service's: queue, claim, commit)
                    o.set("stats", ((ObjectNode) s.stats().deepCopy()).without("sample"));
                }
                o.set("error", s.error());
            }
            body.put("has_more", more);
            body.put("next", more ? "/v1/jobs/" + j.id() + "/shards?limit=" + limit + "&after="
                    + page.get(limit - 1).index() : null);
            return Reply.json(200, body).header("Cache-Control", "no-cache");
        }));
    }
}
