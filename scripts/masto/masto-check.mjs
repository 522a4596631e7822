// Drives a running Starling server with masto.js, as a real Mastodon client would, and exits
// non-zero on the first mismatch. Usage: node masto-check.mjs BASE_URL
//   (or STARLING_URL=http://127.0.0.1:8080 node masto-check.mjs)
// It registers an app, takes an app token (client_credentials), signs two accounts up with it
// (POST /api/v1/accounts), signs one in again with the password grant, then posts, replies,
// follows, and reads and pages home and public timelines and a thread's context.
import { createOAuthAPIClient, createRestAPIClient } from "masto";

const url = (process.argv[2] ?? process.env.STARLING_URL ?? "").replace(/\/$/, "");
if (!url) {
  console.error("usage: node masto-check.mjs BASE_URL");
  process.exit(2);
}
const suffix = (process.env.MASTO_CHECK_SUFFIX ?? Date.now().toString(36)).slice(-8);
const password = "masto check password " + suffix;
let checks = 0;

function check(condition, message) {
  checks++;
  if (!condition) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
}

function equal(actual, expected, message) {
  check(JSON.stringify(actual) === JSON.stringify(expected), `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function collect(paginator, maxPages) {
  const ids = [];
  let pages = 0;
  for await (const page of paginator) {
    ids.push(...page.map((s) => s.id));
    if (++pages >= maxPages) break;
  }
  return { ids, pages };
}

async function main() {
  const anonymous = createRestAPIClient({ url });
  const instance = await anonymous.v2.instance.fetch();
  check(typeof instance.domain === "string" && instance.domain.length > 0, "v2 instance has a domain");
  check(instance.configuration.statuses.maxCharacters > 0, "instance tells max_characters");

  const app = await anonymous.v1.apps.create({
    clientName: "masto.js check",
    redirectUris: "urn:ietf:wg:oauth:2.0:oob",
    scopes: "read write follow",
  });
  check(app.clientId && app.clientSecret, "app registration returns client credentials");

  const oauth = createOAuthAPIClient({ url });
  const appToken = await oauth.token.create({
    grantType: "client_credentials",
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: "urn:ietf:wg:oauth:2.0:oob",
    scope: "read write follow",
  });
  check(appToken.accessToken, "client_credentials gives an app token");
  const asApp = createRestAPIClient({ url, accessToken: appToken.accessToken });
  const verifiedApp = await asApp.v1.apps.verifyCredentials();
  equal(verifiedApp.name, "masto.js check", "apps/verify_credentials names the app");

  const names = [`mj_a_${suffix}`, `mj_b_${suffix}`];
  const tokens = [];
  for (const username of names) {
    const t = await asApp.v1.accounts.create({ username, email: `${username}@example.test`, password, agreement: true, locale: "en" });
    check(t.accessToken, `sign-up of ${username} returns a token`);
    tokens.push(t.accessToken);
  }
  // Sign in again with the password grant, as first-party tools do.
  const signedIn = await oauth.token.create({
    grantType: "password",
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: "urn:ietf:wg:oauth:2.0:oob",
    username: names[1],
    password,
    scope: "read write follow",
  });
  check(signedIn.accessToken && signedIn.accessToken !== tokens[1], "password grant gives a new token");

  const alice = createRestAPIClient({ url, accessToken: tokens[0] });
  const bob = createRestAPIClient({ url, accessToken: signedIn.accessToken });
  const aliceAccount = await alice.v1.accounts.verifyCredentials();
  const bobAccount = await bob.v1.accounts.verifyCredentials();
  equal(aliceAccount.username, names[0], "verify_credentials (alice)");
  equal(bobAccount.username, names[1], "verify_credentials (bob)");

  const relationship = await bob.v1.accounts.$select(aliceAccount.id).follow();
  check(relationship.following === true, "bob follows alice");
  const [rel] = await bob.v1.accounts.relationships.fetch({ id: [aliceAccount.id] });
  check(rel.following === true, "relationships says following");

  const posted = [];
  for (let i = 0; i < 7; i++) {
    const s = await alice.v1.statuses.create({ status: `post ${i} from masto.js #mastocheck${suffix}`, visibility: "public" });
    equal(s.account.id, aliceAccount.id, "status author");
    check(s.content.includes(`post ${i} from masto.js`), "status content is HTML of the text");
    posted.push(s.id);
  }
  const reply = await bob.v1.statuses.create({ status: `@${names[0]} a reply`, inReplyToId: posted[6], visibility: "public" });
  equal(reply.inReplyToId, posted[6], "reply points at its parent");
  equal(reply.mentions.map((m) => m.username), [names[0]], "reply mentions alice");

  const context = await alice.v1.statuses.$select(posted[6]).context.fetch();
  equal(context.descendants.map((s) => s.id), [reply.id], "context lists the reply");

  const fav = await bob.v1.statuses.$select(posted[0]).favourite();
  check(fav.favourited === true && fav.favouritesCount === 1, "favourite");

  // Home timeline of bob: his reply and alice's seven posts, newest first, paged 3 at a time.
  const home = await collect(bob.v1.timelines.home.list({ limit: 3 }), 10);
  const expectedHome = [reply.id, ...posted.slice().reverse()];
  equal(home.ids, expectedHome, "home timeline pages through everything, newest first");
  check(home.pages >= 3, `home timeline took ${home.pages} pages of 3`);

  const pub = await collect(anonymous.v1.timelines.public.list({ limit: 2 }), 3);
  check(pub.ids.length === 6, `public timeline gives 3 pages of 2 (got ${pub.ids.length})`);
  // As on Mastodon, the public timeline leaves out replies to other accounts.
  equal(pub.ids.slice(0, 2), [posted[6], posted[5]], "public timeline starts with the newest posts");
  check(!pub.ids.includes(reply.id), "public timeline leaves out replies to others");

  const tagged = await collect(anonymous.v1.timelines.tag.$select(`mastocheck${suffix}`).list({ limit: 4 }), 5);
  equal(tagged.ids, posted.slice().reverse(), "hashtag timeline");

  const notifications = await alice.v1.notifications.list({ limit: 10 });
  const types = notifications.map((n) => n.type).sort();
  equal(types, ["favourite", "follow", "mention"], "alice's notifications");

  const deleted = await bob.v1.statuses.$select(reply.id).remove();
  equal(deleted.id, reply.id, "delete returns the status");
  let gone = false;
  try {
    await bob.v1.statuses.$select(reply.id).fetch();
  } catch (e) {
    gone = e?.statusCode === 404;
  }
  check(gone, "a deleted status is 404");

  await oauth.revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: signedIn.accessToken });
  let revoked = false;
  try {
    await bob.v1.accounts.verifyCredentials();
  } catch (e) {
    revoked = e?.statusCode === 401;
  }
  check(revoked, "a revoked token is 401");
  console.log(`masto.js check passed: ${checks} checks against ${url}`);
}

main().catch((e) => {
  console.error("FAIL: " + (e?.stack ?? e));
  process.exit(1);
});
