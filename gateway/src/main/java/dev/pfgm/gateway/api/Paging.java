package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.shared.store.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Keyset pages of a list, newest first: {@code limit} and {@code after} (the id of the last item of
 * the previous page, or the previous page's {@code next} link, as clients pass it on) in,
 * {@code {data, has_more, next}} out.
 */
final class Paging {
    private Paging() {
    }

    /** One page of a tenant's rows: {@code limit + 1} of them, newest first, after the given id (or from the first). */
    @FunctionalInterface
    interface Lister<T> {
        List<T> rows(int limit, UUID after);
    }

    /**
     * GET of a list of a tenant's {@code noun}s (datasets, models): 100 a page by default, at most
     * 1,000; {@code exists} tells a gone or foreign {@code after} from the list's end.
     */
    static <T> Reply list(RoutingContext ctx, String noun, Lister<T> lister, Predicate<UUID> exists,
            Function<T, ?> view, Function<T, UUID> id, String base) {
        int limit = (int) JobRoutes.longParam(ctx, "limit", 100, 1, 1000);
        UUID after = after(ctx, "a " + noun);
        return Reply.json(200, body(continued(lister.rows(limit + 1, after), after, exists, noun), limit, view, id, base));
    }

    /** The {@code after} parameter as an id (null when absent); 400 naming it when it is none. */
    static UUID after(RoutingContext ctx, String what) {
        String raw = ctx.request().getParam("after");
        if (raw != null && raw.contains("after=")) {
            raw = raw.substring(raw.lastIndexOf("after=") + 6).split("&")[0];
        }
        UUID after = Endpoint.parseUuid(raw);
        if (raw != null && after == null) {
            throw ApiException.badRequest("/query/after", "must be " + what + " id, got '" + raw + "'");
        }
        return after;
    }

    /**
     * {@code rows}, refused when they are empty because {@code after} names no row of the caller's
     * (deleted since, or another tenant's): the keyset starts from that row, and without it an empty
     * page read as the list's end.
     */
    static <T> List<T> continued(List<T> rows, UUID after, Predicate<UUID> exists, String noun) {
        if (rows.isEmpty() && after != null && !exists.test(after)) {
            throw ApiException.badRequest("/query/after", "no " + noun + " " + after + " of yours to continue after"
                    + " (deleted since, or never listed); list again from the first page");
        }
        return rows;
    }

    /**
     * The page body from {@code limit + 1} rows fetched: the extra row only says there is more.
     * {@code next} is {@code base} with the limit and the last id shown.
     */
    static <T> ObjectNode body(List<T> rows, int limit, Function<T, ?> view, Function<T, UUID> id,
            String base) {
        boolean more = rows.size() > limit;
        List<T> page = more ? rows.subList(0, limit) : rows;
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        page.forEach(r -> data.addPOJO(view.apply(r))); // written by the mapper with the page
        body.put("has_more", more);
        body.put("next", more ? base + (base.contains("?") ? "&" : "?") + "limit=" + limit + "&after="
                + id.apply(page.get(page.size() - 1)) : null);
        return body;
    }
}
