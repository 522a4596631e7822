package dev.starling.server.web;

import dev.starling.server.RouteModule;
import dev.starling.server.web.timeline.TimelinePages;
import java.util.List;

/** The network's own pages (home, threads, profiles, notifications, hashtags). */
final class NetworkPages {
    private NetworkPages() {}

    static List<RouteModule> all(Web web) {
        return List.of(new TimelinePages(web), new dev.starling.server.web.posts.PostPages(web),
                new dev.starling.server.web.profile.ProfilePages(web),
                new dev.starling.server.web.notifications.NotificationPages(web));
    }
}
