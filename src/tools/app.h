/* app.h - what every tool handler reaches through mcp_call_userdata: the Zoom
 * client, the mode (live Zoom or the built-in sandbox), the catalogue of tool
 * declarations, and the helpers the domain files share. */
#ifndef TOOLS_APP_H
#define TOOLS_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "mcp/mcp.h"
#include "zoom/client.h"

typedef struct app {
  zoom_client *zoom;       /* borrowed; shared by every worker thread */
  bool sandbox;            /* true: requests go to the built-in simulator */
  const char *sandbox_url; /* the simulator's base URL when sandbox, else NULL */
  bool read_only;          /* --read-only: only tools that change nothing are offered */
  const char *env_file;    /* --env-file, for auto_configure_zoom; NULL: ./.env */
} app;

/* A handler bound to the catalogue by name. The catalogue (src/tools/catalog/
 * *.json) declares each tool; its "handler" member names an entry of one of
 * these tables ("zoom_call", the generic one, when it names none). */
typedef struct app_handler {
  const char *name;
  mcp_tool_fn fn;
} app_handler;

/* One table per domain file, each ended by {NULL, NULL}. */
extern const app_handler config_handlers[];
extern const app_handler user_handlers[];
extern const app_handler webinar_handlers[];
extern const app_handler registrant_handlers[];
extern const app_handler panelist_handlers[];
extern const app_handler poll_handlers[];
extern const app_handler live_handlers[];
extern const app_handler past_handlers[];
extern const app_handler engine_handlers[];
extern const app_handler schedule_handlers[];
extern const app_handler report_handlers[];
extern const app_handler recording_handlers[];

/* The app of the running call (the server's userdata). Borrowed. */
app *app_of(const mcp_call *call);

/* A zoom_cancel that asks CALL whether the client cancelled it. */
zoom_cancel app_cancel_of(mcp_call *call);

/* A tool result for a failed Zoom call: isError true, with the error's message,
 * HTTP status, Zoom code and hint as text for the model, and the error as
 * JSON in structuredContent-free form. New reference. */
json_t *app_tool_error(const zoom_error *err);

/* The text of app_tool_error, into BUF (cut to SIZE, NUL-terminated);
 * APP_ERROR_TEXT_MAX holds all of it. */
#define APP_ERROR_TEXT_MAX 1200
void app_error_text(const zoom_error *err, char *buf, size_t size);

/* Registers every tool of the catalogue (only the read-only ones when
 * A->read_only) and every resource table of src/tools on SRV. The
 * declarations live as long as the process. Returns 0, or -1 (logged). */
int app_register_all(mcp_server *srv, const app *a);

/* The resource tables, one function per domain file that has resources. */
int config_resources_register(mcp_server *srv);
int webinar_resources_register(mcp_server *srv);
int past_resources_register(mcp_server *srv);
/* Reads zoom://past_webinars/{webinarUuid}/report: the attendance report
 * (report.c) as JSON, then its chart as a PNG blob. */
json_t *report_read_resource(mcp_call *call, const char *uri, json_t *vars);
/* zoom://users; called by webinar_resources_register (app.c lists no users
 * resources of its own). */
int user_resources_register(mcp_server *srv);

/* Completes a "webinar" or "webinarId" argument (prompts.c): ids of the
 * account's upcoming webinars whose id starts with VALUE or whose topic
 * contains it; for "webinarUuid" (a past webinar's report) the ids of every
 * scheduled webinar, since an id names its latest instance. New reference
 * to an array of strings. */
json_t *app_complete_webinar(mcp_call *call, const char *name, const char *value, json_t *context);

/* The prompts (prompts.c); with READ_ONLY only those that change nothing. */
int prompts_register(mcp_server *srv, bool read_only);

/* ---- the catalogue (catalog.c) ------------------------------------------- */

/* The whole catalogue: a new reference to an array of tool declarations as
 * written in the JSON files, in listing order. NULL when a file is not valid
 * JSON (logged). */
json_t *catalog_load(void);

/* Has SRV register every catalogued tool (only the read-only ones when
 * READ_ONLY) at the first request that needs one (mcp_server_set_tools_loader):
 * the catalogue is parsed then, not at start-up. Registration fails when a
 * file is not valid JSON, a tool names a handler that no table has or a
 * handler is bound to no tool (tools/list and tools/call then answer -32603;
 * mcp_server_check_tools returns -1, and also when a schema does not
 * compile). Returns 0, or -1 (logged) when called twice in a process. */
int catalog_register(mcp_server *srv, bool read_only);

/* Releases what catalog_register kept. After the server is freed. */
void catalog_free(void);

/* The catalogue entry (borrowed) of the tool CALL runs, or NULL. */
json_t *catalog_entry_of(const mcp_call *call);

/* ---- the generic engine (engine.c) ---------------------------------------- */

/* Runs one declared Zoom call for the tool CALL runs: the entry's "call"
 * member says the method, the path (with {argument} slots), the query and body
 * arguments and the paging. Honours dry_run and all_pages. New reference. */
json_t *engine_zoom_call(mcp_call *call, json_t *args);

/* A new path: TMPL with each {name} replaced by the encoded value of
 * ARGS[name] (a webinar id or UUID is double-encoded when Zoom wants it).
 * NULL when an argument is absent (its name is written to MISSING, which may
 * be NULL) or the path grows too long. */
char *engine_path(const char *tmpl, json_t *args, char *missing, size_t missing_size);

/* One Zoom request, or a description of it when DRY_RUN: on success *OUT
 * holds a new reference to Zoom's reply (or the dry-run description) and 0
 * is returned; on failure -1 with *OUT a new tool error result. */
int engine_request(mcp_call *call, const char *method, const char *path, json_t *query,
                   json_t *body, bool dry_run, json_t **out);

/* The dry-run description {dry_run: true, method, url, query?, body?}. New reference. */
json_t *engine_dry_run(mcp_call *call, const char *method, const char *path, json_t *query,
                       json_t *body);

/* True when ARGS asks for a dry run. */
bool engine_is_dry_run(json_t *args);

/* Adds a "<field>_local" string next to every start_time, end_time, join_time
 * and leave_time of VALUE (recursively): the same instant in the object's own
 * "timezone", the enclosing object's, or ZOOM_TIMEZONE. Returns VALUE. */
json_t *engine_add_local_times(app *a, json_t *value);

/* A structured tool result holding DATA (stolen) after engine_add_local_times. */
json_t *engine_result(mcp_call *call, json_t *data);

/* A GET of PATH with QUERY (borrowed, may be NULL) for a reader that wants
 * Zoom's failure as data (a resource read): on success *OUT holds a new
 * reference to Zoom's reply and 0 is returned; on failure -1 with *OUT NULL
 * and ERR (zeroed by the caller, cleared by it after) filled. */
int engine_get(mcp_call *call, const char *path, json_t *query, json_t **out, zoom_error *err);

/* GETs every page of PATH (at most 100) with QUERY (borrowed, may be NULL),
 * gathering the ITEMS arrays, with a progress notification per page. PAGE_SIZE
 * 0 means 300. On success *OUT holds a new reference to {ITEMS: [...],
 * total_records, pages, truncated} and 0 is returned; on failure -1 with *OUT
 * a new tool error result. */
int engine_pages(mcp_call *call, const char *path, json_t *query, const char *items, int page_size,
                 bool use_page_number, json_t **out);

/* engine_pages failing as engine_get does: -1 with *OUT NULL and ERR filled. */
int engine_get_pages(mcp_call *call, const char *path, json_t *query, const char *items,
                     int page_size, bool use_page_number, json_t **out, zoom_error *err);

/* The "contents" array of a resource read holding VALUE (stolen) as JSON text.
 * New reference, NULL on OOM. */
json_t *engine_resource_contents(const char *uri, json_t *value);

/* Fails a resource read with the text of ERR (from engine_get or
 * engine_get_pages), after "ABOUT: " when ABOUT is not NULL:
 * MCP_RESOURCE_NOT_FOUND when Zoom answered HTTP 404, else MCP_INTERNAL_ERROR.
 * The status decides, never the text. Returns NULL. */
json_t *engine_resource_fail(mcp_call *call, const char *about, const zoom_error *err);

/* Sends ITEMS (borrowed array) to Zoom in requests of at most PER_REQUEST items:
 * each is METHOD PATH with QUERY (borrowed, may be NULL) and BODY (borrowed object,
 * may be NULL) plus KEY set to the slice. A failed request does not stop the
 * others; once the call is cancelled the rest are not sent. Progress is reported
 * per request. A new array, one object per request: {"items": slice, then
 * "reply": Zoom's reply | "error": zoom_error_to_json | "request": the dry-run
 * description when DRY_RUN}. NULL when out of memory. */
json_t *engine_batches(mcp_call *call, const char *method, const char *path, json_t *query,
                       json_t *body, const char *key, json_t *items, size_t per_request,
                       bool dry_run);

/* One request of a batch, as engine_batches makes them: a new {"items": ITEMS
 * (stolen), "reply" | "error" | "request"}. BODY is borrowed and may be NULL.
 * Nothing is sent when DRY_RUN or once the call is cancelled. NULL on OOM. */
json_t *engine_batch_send(mcp_call *call, const char *method, const char *path, json_t *query,
                          json_t *body, json_t *items, bool dry_run);

/* Called for each item's result RESULT (borrowed, to add to) with the ITEM as sent and its
 * REQUEST (both borrowed). */
typedef void (*engine_item_fn)(json_t *result, json_t *item, json_t *request, void *ctx);

/* The combined result of the REQUESTS (borrowed) of a batch: DATA (stolen object) gets
 * "message", "requests" (one summary each, with its error or its dry-run description),
 * "counts" per status, and "results", one per item: the item's members (when it is an
 * object), "status", "request" (its number from 1) and "error" (Zoom's message), then what
 * DECORATE (may be NULL) adds. Status is OK_WORD (accepted), "failed", "unknown" (the request
 * may have reached Zoom without a reply), "not_sent" (cancelled first) or "dry_run".
 * isError only when no item has OK_WORD (and it was no dry run). New reference. */
json_t *engine_batch_result(mcp_call *call, json_t *data, json_t *requests, const char *ok_word,
                            engine_item_fn decorate, void *ctx);

/* A batch tool's work: ITEMS sent PER_REQUEST at a time as KEY of BODY to METHOD PATH. */
typedef struct engine_batch {
  const char *method;
  const char *path; /* with {argument} slots, filled from the tool's arguments */
  json_t *query;    /* borrowed, may be NULL */
  json_t *body;     /* borrowed, may be NULL */
  const char *key;
  json_t *items; /* borrowed array */
  size_t per_request;
  const char *ok_word;
  engine_item_fn decorate; /* may be NULL */
  void *ctx;
} engine_batch;

/* Runs B for the tool's ARGS (honouring dry_run): engine_batches, then
 * engine_batch_result with DATA (stolen). New reference. */
json_t *engine_batch_run(mcp_call *call, json_t *args, const engine_batch *b, json_t *data);

/* True when BODY (a PATCH or PUT body) would change nothing: it has no member,
 * or only empty objects ("settings": {}). */
bool engine_body_empty(json_t *body);

/* True when the array LIST holds the string NAME. */
bool engine_name_listed(json_t *list, const char *name);

/* ---- times (when.c) --------------------------------------------------------- */

/* Normalises a start_time argument for Zoom: "…Z" or "…±hh:mm" becomes UTC with
 * a Z; a time with neither stays local ("yyyy-MM-ddTHH:mm:ss", to be read in the
 * webinar's timezone). OUT gets at least 21 bytes. Returns 0, or -1 with a
 * reason for the model in WHY. */
int when_normalise(const char *in, char *out, size_t size, char *why, size_t why_size);

/* The instant TEXT names (it must carry Z or an offset) as UTC epoch seconds
 * in *UTC. Returns 0, or -1 when TEXT is not such a time. */
int when_instant(const char *text, int64_t *utc);

/* Where a time in words is read when the body names no timezone and
 * ZOOM_TIMEZONE is unset: FN writes a zone (the host's or the webinar's) into
 * ZONE and returns 0, or returns -1. Called only when needed (it may ask Zoom).
 * WHAT says where the zone came from, for the result. */
typedef struct when_zone_source {
  int (*fn)(void *ctx, char *zone, size_t size);
  void *ctx;
  const char *what;
} when_zone_source;

/* Makes the timezone and start_time members of BODY (a request body, changed
 * in place) ready for Zoom: a zone name ("IST", "London") becomes its IANA
 * name; an ISO start_time is normalised (when_normalise); a phrase
 * ("tomorrow 3pm") is read in the body's zone, else ZOOM_TIMEZONE, else the
 * FALLBACK's zone (may be NULL), else UTC, and sent in UTC. *RESOLVED gets a
 * new object saying how (NULL when there was nothing to say). Returns 0, or
 * -1 with the reason in WHY. */
int when_fix_body(app *a, json_t *body, const when_zone_source *fallback, json_t **resolved,
                  char *why, size_t why_size);

/* ---- users (users.c) -------------------------------------------------------- */

/* Resolves a user_selection: a number from list_users_for_selection (1-based,
 * in its order), an email address, a user id, or a display name or part of
 * one, against the account's active users (GET /users, every page). When a
 * name matches several users, the person is asked to pick (elicitation) if
 * the client can; otherwise the error lists the candidates. On success *OUT
 * holds a new reference to {number, id, email, name, ...} and 0 is returned.
 * On failure -1, with *OUT a new tool error result, or NULL when the client
 * is being asked (2026-07-28: input_required) or the ask failed: the handler
 * then returns NULL and the core answers. */
int users_resolve_selection(mcp_call *call, const char *selection, json_t **out);

/* ---- webinars (webinars.c) -------------------------------------------------- */

/* Creates a webinar: POST /users/{USER_ID}/webinars with BODY (borrowed, ready
 * for Zoom), or its dry-run description. EXTRA's members (borrowed) are added
 * to the result. A POST whose outcome is unknown is never sent again; the
 * error says how to check. New reference to a tool result. */
json_t *webinar_create(mcp_call *call, const char *user_id, json_t *body, bool dry_run,
                       json_t *extra);

/* Checks a recurrence object REC (changed in place: a local end_date_time is
 * read in ZONE and sent in UTC) against Zoom's rules. P prefixes field names
 * in messages, TYPE_NAME names the type field; REQUIRE_END: end_times or
 * end_date_time must be given. Returns 0, or -1 with the reason in WHY. */
int webinar_recurrence_check(json_t *rec, const char *p, const char *type_name, bool require_end,
                             const char *zone, char *why, size_t size);

#endif
