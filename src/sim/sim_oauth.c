/* sim_oauth.c - the simulator's Server-to-Server OAuth: POST /oauth/token and bearer checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_internal.h"

#define SIM_SCOPES "user:read:admin webinar:read:admin webinar:write:admin report:read:admin"

/* Decodes standard base64 SRC into OUT (at most MAX-1 bytes, NUL-terminated).
 * Returns the decoded length or -1. */
static long base64_decode(const char *src, char *out, size_t max) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (const char *p = src; *p && *p != '='; p++) {
    const char *hit = strchr(alphabet, *p);
    if (!hit)
      return -1;
    acc = (acc << 6) | (unsigned)(hit - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o + 1 >= max)
        return -1;
      out[o++] = (char)((acc >> bits) & 0xff);
    }
  }
  out[o] = '\0';
  return (long)o;
}

/* Compares without an early exit, so timing tells nothing of the secret. */
static bool equal_secret(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  unsigned char diff = (unsigned char)(la != lb);
  for (size_t i = 0; i < la; i++)
    diff |= (unsigned char)(a[i] ^ (i < lb ? b[i] : 0));
  return diff == 0;
}

/* True when "Basic base64(id:secret)" names this account's client. */
static bool basic_auth_ok(sim *s, const char *header) {
  char decoded[512];
  bool ok = false;
  if (!header || strncasecmp(header, "Basic ", 6) != 0)
    return false;
  const char *b64 = header + 6;
  while (*b64 == ' ')
    b64++;
  if (strlen(b64) > 600 || base64_decode(b64, decoded, sizeof decoded) < 0)
    goto cleanup;
  char *colon = strchr(decoded, ':');
  if (!colon)
    goto cleanup;
  *colon = '\0';
  ok = equal_secret(decoded, s->client_id) & equal_secret(colon + 1, s->client_secret);
cleanup:
  memset(decoded, 0, sizeof decoded);
  return ok;
}

/* Looks KEY up in the form body, then the query string. New string or NULL. */
static char *form_or_query(const sim_req *rq, const char *key) {
  char *keys[SIM_QUERY_MAX], *vals[SIM_QUERY_MAX];
  char *found = NULL;
  size_t n = rq->body_text ? sim_parse_pairs(rq->body_text, keys, vals, SIM_QUERY_MAX) : 0;
  for (size_t i = 0; i < n; i++) {
    if (!found && strcmp(keys[i], key) == 0)
      found = strdup(vals[i]);
    free(keys[i]);
    free(vals[i]);
  }
  if (!found && sim_req_query(rq, key))
    found = strdup(sim_req_query(rq, key));
  return found;
}

static void oauth_error(sim_resp *rs, const char *error, const char *reason) {
  sim_reply_json(rs, 400, json_pack("{s:s,s:s}", "reason", reason, "error", error));
}

/* Issues a token: stores it and returns a borrowed pointer to it. */
static const sim_token *token_issue(sim *s, int64_t now) {
  sim_token *t = &s->tokens[s->next_token];
  s->next_token = (s->next_token + 1) % SIM_TOKENS_MAX;
  if (s->ntokens < SIM_TOKENS_MAX)
    s->ntokens++;
  memcpy(t->value, "sim_", 4);
  sim_new_token(s, t->value + 4, sizeof t->value - 4);
  t->expires = now + s->opt.token_lifetime_s;
  return t;
}

static void oauth_token(sim *s, sim_req *rq, sim_resp *rs) {
  char *grant = NULL, *account = NULL;
  const char *auth = sim_req_header(rq, "Authorization");
  if (!basic_auth_ok(s, auth)) {
    oauth_error(rs, "invalid_client", "Invalid client_id or client_secret");
    goto cleanup;
  }
  grant = form_or_query(rq, "grant_type");
  if (!grant || strcmp(grant, "account_credentials") != 0) {
    oauth_error(rs, "unsupported_grant_type", "Unsupported grant type");
    goto cleanup;
  }
  account = form_or_query(rq, "account_id");
  if (!account || strcmp(account, s->account_id) != 0) {
    oauth_error(rs, "invalid_request", "Invalid account_id");
    goto cleanup;
  }
  const sim_token *t = token_issue(s, rq->now);
  sim_reply_json(rs, 200,
                 json_pack("{s:s,s:s,s:i,s:s,s:s}", "access_token", t->value, "token_type",
                           "bearer", "expires_in", s->opt.token_lifetime_s, "scope", SIM_SCOPES,
                           "api_url", s->base_url));
cleanup:
  free(grant);
  free(account);
}

int sim_oauth_check(sim *s, const char *authorization) {
  if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
    return -1;
  const char *tok = authorization + 7;
  while (*tok == ' ')
    tok++;
  int64_t now = sim_now(s);
  for (size_t i = 0; i < s->ntokens; i++) {
    if (equal_secret(s->tokens[i].value, tok))
      return s->tokens[i].expires > now ? 0 : -2;
  }
  return -1;
}

static const sim_route oauth_routes[] = {
    {"POST", "/oauth/token", SIM_CAT_NONE, oauth_token, SIM_ROUTE_NO_AUTH | SIM_ROUTE_FORM},
};

const sim_module sim_module_oauth = {
    "oauth", oauth_routes, sizeof oauth_routes / sizeof oauth_routes[0], NULL, NULL, NULL, NULL,
};
