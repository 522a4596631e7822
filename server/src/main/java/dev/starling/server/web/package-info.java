/**
 * The web app at {@code /}: server-rendered HTML (JTE templates, precompiled at build time from
 * {@code server/src/main/jte}), one stylesheet and a few small ES modules under
 * {@code server/src/main/resources/web/static}, served by the same process. Every action works as
 * a plain form POST answered with 303; JavaScript only makes it nicer.
 *
 * <h2>Security</h2>
 * <ul>
 *   <li>Every page and fragment: {@code Content-Security-Policy} {@link dev.starling.server.web.shell.SecurityHeaders#CSP}
 *       (no inline scripts or styles: put JS in a module file, CSS in a stylesheet), {@code X-Frame-Options: DENY},
 *       {@code nosniff}, {@code Cache-Control: no-store}.</li>
 *   <li>Sessions ({@link dev.starling.server.web.session.WebSessions}, table {@code web_sessions}, V101): cookie
 *       {@code starling_session}, 256 random bits, stored as SHA-256, HttpOnly, SameSite=Lax, Secure over TLS
 *       or behind a proxy sending {@code X-Forwarded-Proto: https}; 30 days; revoked on sign-out; dead as soon
 *       as the account's password changes (any path); {@code revokeAll(accountId)} for "sign out everywhere".</li>
 *   <li>CSRF ({@link dev.starling.server.web.session.Csrf}): every form carries the hidden field
 *       {@code csrf_token}; every state-changing {@code fetch} sends header {@code X-CSRF-Token} with the
 *       value of {@code <meta name="csrf-token">} (the {@code csrfToken()} export of {@code /static/.../app.js}).
 *       Missing or wrong: 403 page.</li>
 *   <li>Assets: {@code /static/<content hash of the set>/<path>}, {@code Cache-Control: public, max-age=31536000, immutable}
 *       ({@link dev.starling.server.web.shell.Assets}). Modules may import each other by relative URL.</li>
 * </ul>
 *
 * <h2>The API for page modules ({@link dev.starling.server.web.Web})</h2>
 * Write a {@link dev.starling.server.web.WebFeature} ({@code web -> routes -> { ... }}) and have it passed to
 * {@code Starling.start(social, options, extraModules, webFeatures)}. Inside a handler:
 * <pre>{@code
 * Account me = web.requireSignIn(ctx);            // or 303 to /sign_in?return_to=<this page>
 * Optional<Account> who = web.viewer(ctx);        // null-free "who is asking"
 * web.requireCsrf(ctx);                           // first line of every POST handler: 403 unless the token matches
 * web.page(ctx, PageMeta.of("Search", "search").withModules("search/typeahead.js"),
 *          "search/results.jte", Map.of("results", results));   // body template inside the layout
 * web.fragment(ctx, "search/typeahead.jte", params); // a bare fragment for fetch
 * web.seeOther(ctx, "/settings?notice=saved");    // answer a form POST
 * throw new WebException(422, "what was wrong");  // an error page in the layout with that status
 * }</pre>
 * Body templates receive their own parameters plus {@code csrf} (String) and {@code viewer}
 * ({@link dev.starling.social.accounts.Account}, null when signed out) when they declare them; a form
 * includes {@code @template.parts.csrf(csrf = csrf)}. Posts are shown with
 * {@code @template.parts.post(card = card, csrf = csrf)} from a {@link dev.starling.server.web.posts.PostCard}
 * built by {@link dev.starling.server.web.posts.PostCards}. {@code ?notice=<code>} on a redirect shows one of the
 * fixed messages of {@link dev.starling.server.web.Notices} (never text from the URL).
 *
 * Extra links on every post card (e.g. "Explain this post"): {@code web.addPostLink(new PostLink("explain",
 * "Explain this post", "explain"))} while building a feature's routes; cards built with
 * {@code new PostCards(web)} show them as {@code a#explain-<rowId>} to {@code /posts/<id>/explain}.
 * Origin marks the same way: {@code web.addPostMarker((author, post) -> ...)} (a
 * {@link dev.starling.server.web.posts.PostMarker}; {@link dev.starling.server.web.ai.AssistantMarks} marks the
 * assistant's replies "AI-generated reply by the assistant (model m, prompt p)" from its ledger) shows as
 * {@code p.origin-mark#origin-<rowId>}; cards of bot accounts always carry {@code span.bot-badge#bot-<rowId>}.
 * Every page answers {@code Server-Timing: app;dur=<ms>} (server-side time from the request reaching the web
 * routes to the finished HTML).
 *
 * <h2>Measured</h2>
 * {@code ./mvnw -q -B -ntp -o -pl server -am test -Dtest=WebRenderBench -Dstarling.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 * (60 followed authors, 2,400 posts, a 60-reply thread; 1,000 requests after 300 warm-up, one client) on a
 * 2-core machine shared with other builds, so the tails are the machine's: at load average ~21, server render
 * p50/p99 home 7.9/126 ms, thread 3.5/89 ms (an earlier run at load ~18, before the viewer lookup used one
 * connection: home 14.2/67.6 ms, thread 3.2/46.4 ms). Page weight (uncompressed): home 52 KB HTML (20 posts),
 * thread 157 KB (61 posts), profile 56 KB, sign-in 2 KB; every page also loads 6.4 KB CSS and 5.9 KB JS,
 * cached as immutable.
 *
 * <h2>Stable ids and names (for browser tests)</h2>
 * <ul>
 *   <li>Layout: {@code #main} (main landmark, skip link target), nav links {@code #nav-home #nav-explore #nav-search
 *       #nav-ask #nav-notifications #nav-profile #nav-settings}, {@code #sign-out} (button), {@code #sign-in-link},
 *       {@code #sign-up-link}, {@code #notice} (status line), {@code #live-status} (aria-live region),
 *       {@code #error-message} on error pages.</li>
 *   <li>Sign up {@code /sign_up}: form {@code #sign-up-form}, inputs {@code #username #email #password #agreement},
 *       button {@code #sign-up-submit}. Sign in {@code /sign_in}: {@code #sign-in-form}, {@code #login #password},
 *       {@code #sign-in-submit}; {@code #form-error} on a rejected form.</li>
 *   <li>Compose (home, thread reply, {@code /compose}): form {@code #compose-form}, textarea {@code #compose-text}
 *       (name {@code text}), select {@code #compose-visibility} (public, unlisted, private, direct; preselects the
 *       account's default visibility, for a reply the stricter of that and the parent's; a form without
 *       {@code visibility} posts with the default), {@code #compose-spoiler}, counter {@code #compose-counter},
 *       button {@code #compose-submit}.</li>
 *   <li>Settings {@code /settings}: forms {@code #settings-profile-form}, {@code #settings-password-form},
 *       {@code #settings-visibility-form} (radios {@code #default-visibility-public}, {@code -unlisted},
 *       {@code -private}; POST {@code /settings/visibility} field {@code default_visibility}),
 *       {@code #settings-consent-form}; errors {@code #<section>-error}.</li>
 *   <li>Posts: {@code article#post-<rowId>} with {@code data-post-id}; buttons {@code #reply-<rowId>} (link),
 *       {@code #quote-<rowId>} (link), {@code #like-<rowId>}, {@code #repost-<rowId>}, {@code #bookmark-<rowId>},
 *       {@code #delete-<rowId>} (own posts), link {@code #open-<rowId>} to the thread; {@code aria-pressed} tells
 *       the state of like/repost/bookmark. Timelines: {@code ol#timeline}.</li>
 *   <li>Profiles {@code /@username}: {@code #follow}, {@code #unfollow}, {@code #block}, {@code #unblock},
 *       {@code #mute}, {@code #unmute}; tabs {@code #tab-posts #tab-replies #tab-followers #tab-following}.
 *       Follow requests {@code /follow_requests}: {@code #accept-<accountId>}, {@code #reject-<accountId>}.</li>
 *   <li>Notifications {@code /notifications}: {@code ol#notifications}, items {@code #notification-<id>}.</li>
 * </ul>
 */
package dev.starling.server.web;
