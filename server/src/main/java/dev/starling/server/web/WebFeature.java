package dev.starling.server.web;

import dev.starling.server.RouteModule;

/**
 * A group of web pages built on {@link Web} (search, Ask, settings, admin...). Pass features to
 * {@link dev.starling.server.Starling#start(dev.starling.social.Social, dev.starling.server.ServerOptions, java.util.List, java.util.List)};
 * each gets the one {@link Web} of the server and returns its routes.
 */
@FunctionalInterface
public interface WebFeature {
    RouteModule routes(Web web);
}
