// The peer of bench/peer (docs/benchmarks.md): PostGraphile v4 in library
// mode over the hub's database, as a team would build the hub with it.
//
//   - Tokens are verified against the same JWKS the hub uses (the dev
//     identity provider's), with the same issuer and audience, and mapped
//     to a principal the way internal/identity does with the default claim
//     mapping: sub, hub_org (organisation number, looked up among the
//     organisations that trust the issuer), hub_unit, hub_roles.
//   - It connects as hub_app and sets, per request, the hub.* settings the
//     hub sets (internal/app/work.go, SessionSettings, and hub.now), so the
//     same row-level security applies. Hub-Purpose becomes hub.purpose; the
//     peer does not check that the role may declare it (the hub does).
//   - On start it (re)creates its schema bench_peer (schema.sql) as the
//     database owner: waysIn and the catalogue search as SQL functions.
//
// Configuration by environment: PEER_ADDR (127.0.0.1:18600),
// PEER_DATABASE_URL (hub_app), PEER_OWNER_DATABASE_URL (the owner, for
// schema.sql; unset: the schema must exist), PEER_ISSUER, PEER_AUDIENCE
// (hub-api), PEER_POOL (connections, 32).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import postgraphilePkg from "postgraphile";
import { createRemoteJWKSet, jwtVerify } from "jose";

const { postgraphile } = postgraphilePkg;
const env = (k, d) => process.env[k] || d;
const addr = env("PEER_ADDR", "127.0.0.1:18600");
const databaseURL = env("PEER_DATABASE_URL", "");
const ownerURL = env("PEER_OWNER_DATABASE_URL", "");
const issuer = env("PEER_ISSUER", "").replace(/\/$/, "");
const audience = env("PEER_AUDIENCE", "hub-api");
if (!databaseURL || !issuer) {
  console.error("peer: PEER_DATABASE_URL (hub_app) and PEER_ISSUER are required");
  process.exit(2);
}

if (ownerURL) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const owner = new pg.Client({ connectionString: ownerURL });
  await owner.connect();
  await owner.query(fs.readFileSync(path.join(here, "schema.sql"), "utf8"));
  await owner.end();
}

const pool = new pg.Pool({ connectionString: databaseURL, max: Number(env("PEER_POOL", "32")) });
const jwks = createRemoteJWKSet(new URL(issuer + "/jwks"));

// Organisation number -> id among the organisations that trust the issuer
// (identity_issuers), as the hub's lookupOrg; kept, as the hub keeps its
// issuers.
const orgs = new Map();
async function orgID(orgNumber) {
  if (!orgs.has(orgNumber)) {
    const r = await pool.query(
      `SELECT i.org_id FROM identity_issuers i JOIN organizations o ON o.id = i.org_id
       WHERE i.issuer_url = $1 AND o.org_number = $2`, [issuer, orgNumber]);
    orgs.set(orgNumber, r.rows.length === 1 ? r.rows[0].org_id : null);
  }
  return orgs.get(orgNumber);
}

class Unauthenticated extends Error {}

async function principal(req) {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization || "");
  if (!m) throw new Unauthenticated("no bearer token");
  let payload;
  try {
    ({ payload } = await jwtVerify(m[1], jwks, { issuer, audience }));
  } catch (e) {
    throw new Unauthenticated("token refused: " + e.code);
  }
  if (typeof payload.sub !== "string" || !payload.sub) throw new Unauthenticated("token has no user id (sub)");
  const org = await orgID(String(payload.hub_org || ""));
  if (!org) throw new Unauthenticated("the token's organisation does not trust the issuer");
  const roles = Array.isArray(payload.hub_roles) ? payload.hub_roles : String(payload.hub_roles || "").split(/[ ,]+/).filter(Boolean);
  return { org, unit: String(payload.hub_unit || ""), user: payload.sub, roles: roles.join(",") };
}

// The hub's own SQL functions in public (RLS helpers, hub_task_content…)
// are not part of the peer's API: it serves public's tables and its own
// functions. (Two of them would also clash in PostGraphile's names.)
function OmitPublicFunctions(builder) {
  builder.hook("build", (build) => {
    for (const proc of build.pgIntrospectionResultsByKind.procedure) {
      if (proc.namespaceName === "public") proc.tags.omit = true;
    }
    return build;
  });
}

const graphql = postgraphile(pool, ["bench_peer", "public"], {
  appendPlugins: [OmitPublicFunctions],
  graphqlRoute: "/graphql",
  graphiql: false,
  watchPg: false,
  disableQueryLog: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  disableDefaultMutations: true,
  ignoreRBAC: false,
  extendedErrors: ["errcode"],
  pgSettings: async (req) => ({
    "hub.org_id": req.principal.org,
    "hub.unit_id": req.principal.unit,
    "hub.user_id": req.principal.user,
    "hub.roles": req.principal.roles,
    "hub.purpose": String(req.headers["hub-purpose"] || ""),
    "hub.now": new Date().toISOString(),
  }),
});

// Build the schema before taking requests: /healthz answers once it is.
await graphql.getGraphQLSchema();

const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), Number(addr.slice(addr.lastIndexOf(":") + 1))];
const server = http.createServer(async (req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    return;
  }
  if (req.url.startsWith("/graphql")) {
    try {
      req.principal = await principal(req);
    } catch (e) {
      const status = e instanceof Unauthenticated ? 401 : 500;
      res.writeHead(status, { "content-type": "application/json" })
        .end(JSON.stringify({ errors: [{ message: e instanceof Unauthenticated ? e.message : "authentication failed" }] }));
      if (!(e instanceof Unauthenticated)) console.error("peer: authentication:", e.message);
      return;
    }
  }
  graphql(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`peer: PostGraphile v4 on http://${addr}/graphql (issuer ${issuer})`));
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => server.close(() => pool.end().then(() => process.exit(0))));
}
