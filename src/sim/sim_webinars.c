/* sim_webinars.c - the simulator's webinars (placeholder: create and JSON only). */
#include <stdio.h>
#include <string.h>

#include "sim/sim_internal.h"

int sim_webinar_create(sim *s, const char *host_id, json_t *body, json_t *errors,
                       sim_webinar **out) {
  (void)errors;
  sim_webinar *w = sim_webinar_new();
  if (!w)
    return -1;
  w->id = sim_new_webinar_id(s);
  sim_new_uuid(s, w->uuid);
  snprintf(w->host_id, sizeof w->host_id, "%s", host_id);
  w->type = 5;
  w->duration = 60;
  w->created_at = sim_now(s);
  json_object_update(w->obj, body);
  if (sim_webinar_add(s, w) != 0)
    return -1;
  *out = w;
  return 0;
}

json_t *sim_webinar_to_json(sim *s, const sim_webinar *w, const char *occ_id, bool show_previous) {
  (void)s;
  (void)occ_id;
  (void)show_previous;
  json_t *out = json_deep_copy(w->obj);
  json_object_set_new(out, "id", json_integer((json_int_t)w->id));
  json_object_set_new(out, "uuid", json_string(w->uuid));
  return out;
}

const sim_module sim_module_webinars = {"webinars", NULL, 0, NULL, NULL, NULL, NULL};
