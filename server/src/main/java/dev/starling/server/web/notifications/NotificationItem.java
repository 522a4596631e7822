package dev.starling.server.web.notifications;

import dev.starling.server.web.posts.PostCard;

/** One notification as shown: who did what, and the post it is about when the viewer may still see it. */
public record NotificationItem(long id, String type, String fromUsername, String fromName, String sentence, String whenText, PostCard post) {}
