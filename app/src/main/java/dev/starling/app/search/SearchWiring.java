package dev.starling.app.search;

import dev.starling.search.SearchService;
import dev.starling.search.embed.Embedder;
import dev.starling.search.embed.MiniLmEmbedder;
import dev.starling.server.RouteModule;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.search.SearchRoutes;
import dev.starling.social.Social;
import java.nio.file.Path;

/**
 * Search for {@code starling serve}: the index under DATA_DIR/index fed from the outbox, and the
 * {@code /api/v2/search} routes. Embeddings (all-MiniLM-L6-v2) are on unless the environment sets
 * {@code STARLING_SEARCH_EMBEDDINGS=off}; switching requires {@code starling index rebuild}.
 */
public final class SearchWiring implements AutoCloseable {

    private final SearchService service;
    private final RouteModule routes;

    private SearchWiring(SearchService service, RouteModule routes) {
        this.service = service;
        this.routes = routes;
    }

    public static SearchWiring start(Path dataDir, Social social, String publicBaseUrl) {
        Embedder embedder = "off".equalsIgnoreCase(System.getenv("STARLING_SEARCH_EMBEDDINGS")) ? null : new MiniLmEmbedder();
        SearchService service = SearchService.start(dataDir, social, embedder);
        return new SearchWiring(service, new SearchRoutes(new RouteSupport(Json.newMapper(), publicBaseUrl), social, service.search()));
    }

    public RouteModule routes() {
        return routes;
    }

    public SearchService service() {
        return service;
    }

    @Override
    public void close() {
        service.close();
    }
}
