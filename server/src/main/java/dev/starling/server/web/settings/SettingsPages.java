package dev.starling.server.web.settings;

import dev.starling.server.RouteModule;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.web.Form;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.session.Cookies;
import dev.starling.server.web.session.WebSessions;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Rejection;
import dev.starling.social.consent.TrainingConsent;
import dev.starling.social.posts.PostVisibility;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The signed-in person's settings at {@code /settings}: profile (display name, bio), password, the
 * default visibility of new posts (Mastodon's {@code source.privacy}: public, unlisted or
 * followers-only), and the AI training consent, each its own form (CSRF-checked POST, then 303 back to
 * {@code /settings?saved=...} with a status notice, or the page again with status 422 and the
 * reason next to the form). A password change keeps this browser signed in with a fresh session
 * and ends every other session and API token of the account.
 *
 */
public final class SettingsPages implements WebFeature {
    static final int MAX_PASSWORD_CHARS = 1000;
    static final String STYLES = dev.starling.server.web.ai.AiPages.STYLES;

    @Override
    public RouteModule routes(Web web) {
        return new Routes(web);
    }

    private static final class Routes implements RouteModule {
        private final Web web;
        private final OAuthStore oauth;

        Routes(Web web) {
            this.web = web;
            this.oauth = new OAuthStore(web.social().database().dataSource());
        }

        @Override
        public void register(JavalinDefaultRoutingApi routes) {
            routes.get("/settings", ctx -> show(ctx, 200, null, null));
            routes.post("/settings/profile", this::saveProfile);
            routes.post("/settings/password", this::savePassword);
            routes.post("/settings/consent", this::saveConsent);
            routes.post("/settings/visibility", this::saveVisibility);
        }

        private void show(Context ctx, int status, String errorSection, String error) {
            Account me = web.requireSignIn(ctx);
            Account fresh = web.social().accounts().byId(me.id()).orElse(me);
            TrainingConsent consent = web.social().trainingConsent();
            SettingsView view = new SettingsView(fresh, consent.of(fresh.id()).orElse(null), consent.defaultForNewAccounts(),
                    errorSection, error, Accounts.MAX_DISPLAY_NAME, Accounts.MAX_NOTE);
            String saved = ctx.queryParam("saved");
            String notice = status == 200 ? SettingsView.savedNotice(saved) : null;
            Map<String, Object> p = new HashMap<>();
            p.put("view", view);
            p.put("styles", web.assets().url(STYLES));
            web.page(ctx, status, new PageMeta("Settings", "settings", java.util.List.of(), notice), "settings/settings.jte", p);
        }

        private void saveProfile(Context ctx) {
            web.requireCsrf(ctx);
            Account me = web.requireSignIn(ctx);
            String displayName = Form.field(ctx, "display_name", Accounts.MAX_DISPLAY_NAME * 2);
            String note = Form.field(ctx, "note", Accounts.MAX_NOTE * 2);
            Outcome<Account> out = web.social().accounts().updateProfile(me.id(),
                    ProfileUpdate.none().withDisplayName(displayName == null ? "" : displayName.strip())
                            .withNote(note == null ? "" : note.strip()));
            if (out instanceof Outcome.Rejected<Account> r) {
                show(ctx, 422, "profile", SettingsView.sentence(r.rejection().message()));
                return;
            }
            web.seeOther(ctx, "/settings?saved=profile#profile");
        }

        private void savePassword(Context ctx) {
            web.requireCsrf(ctx);
            Account me = web.requireSignIn(ctx);
            String current = Form.field(ctx, "current_password", MAX_PASSWORD_CHARS);
            String fresh = Form.field(ctx, "new_password", MAX_PASSWORD_CHARS);
            String confirm = Form.field(ctx, "confirm_password", MAX_PASSWORD_CHARS);
            if (fresh == null || !fresh.equals(confirm)) {
                show(ctx, 422, "password", "The new password and its confirmation differ.");
                return;
            }
            Outcome<Account> out = web.social().accounts().changePassword(me.id(), current == null ? "" : current, fresh);
            if (out instanceof Outcome.Rejected<Account> r) {
                String msg = r.rejection().kind() == Rejection.Kind.UNAUTHORIZED ? "The current password is wrong."
                        : SettingsView.sentence(r.rejection().message());
                show(ctx, 422, "password", msg);
                return;
            }
            // The password stamp ends every session of the account; keep this browser signed in with a new one.
            String old = ctx.cookie(Cookies.SESSION);
            if (old != null) web.sessions().revoke(old);
            String secret = web.sessions().create(me.id(), ctx.userAgent());
            web.cookies().set(ctx, Cookies.SESSION, secret, WebSessions.LIFETIME.toSeconds());
            web.cookies().delete(ctx, Cookies.CSRF);
            try {
                oauth.revokeAllForAccount(me.id());
            } catch (SQLException e) {
                throw new IllegalStateException("revoking the API tokens of account " + me.id() + " after a password change", e);
            }
            web.seeOther(ctx, "/settings?saved=password#password");
        }

        private void saveVisibility(Context ctx) {
            web.requireCsrf(ctx);
            Account me = web.requireSignIn(ctx);
            String value = Form.field(ctx, "default_visibility", 20);
            PostVisibility v = value == null ? null : PostVisibility.parse(value).filter(x -> x != PostVisibility.DIRECT).orElse(null);
            if (v == null) {
                show(ctx, 422, "visibility", "Choose public, unlisted or followers only as the default"
                        + (value == null || value.isEmpty() ? "." : ", not \"" + value + "\"."));
                return;
            }
            Outcome<Account> out = web.social().accounts().updateProfile(me.id(), ProfileUpdate.none().withDefaultVisibility(v));
            if (out instanceof Outcome.Rejected<Account> r) {
                show(ctx, 422, "visibility", SettingsView.sentence(r.rejection().message()));
                return;
            }
            web.seeOther(ctx, "/settings?saved=visibility#visibility");
        }

        private void saveConsent(Context ctx) {
            web.requireCsrf(ctx);
            Account me = web.requireSignIn(ctx);
            String value = Form.field(ctx, "training_consent", 10);
            Boolean consent = "yes".equals(value) ? Boolean.TRUE : "no".equals(value) ? Boolean.FALSE : null;
            if (consent == null) {
                show(ctx, 422, "consent", "Choose whether your public posts may train Starling's model (yes or no).");
                return;
            }
            Outcome<Account> out = web.social().trainingConsent().set(me.id(), consent);
            if (out instanceof Outcome.Rejected<Account> r) {
                show(ctx, 422, "consent", SettingsView.sentence(r.rejection().message()));
                return;
            }
            web.seeOther(ctx, "/settings?saved=" + (consent ? "consent_on" : "consent_off") + "#consent");
        }
    }
}
