package dev.starling.social.timelines;

import dev.starling.social.posts.Post;
import java.util.List;

/** A thread around a post: visible ancestors (root first) and visible descendants (oldest first). */
public record Context(List<Post> ancestors, List<Post> descendants) {

    public Context {
        ancestors = List.copyOf(ancestors);
        descendants = List.copyOf(descendants);
    }
}
