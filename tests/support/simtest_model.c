/* simtest_model.c - test support: looks up seeded webinars in an in-process simulator's model. */
#include "simtest.h"

#include <pthread.h>
#include <string.h>

#include "sim/sim_internal.h"

long long simtest_webinar_id(simtest *t, const char *topic_prefix) {
  long long id = -1;
  pthread_mutex_lock(&t->s->lock);
  for (size_t i = 0; i < t->s->acct.nwebinars && id < 0; i++) {
    const sim_webinar *w = t->s->acct.webinars[i];
    const char *topic = json_string_value(json_object_get(w->obj, "topic"));
    if (topic && strncmp(topic, topic_prefix, strlen(topic_prefix)) == 0)
      id = (long long)w->id;
  }
  pthread_mutex_unlock(&t->s->lock);
  return id;
}

size_t simtest_occurrence_ids(simtest *t, long long webinar_id, char ids[][24], size_t max) {
  size_t n = 0;
  pthread_mutex_lock(&t->s->lock);
  const sim_webinar *w = sim_webinar_by_id(t->s, (int64_t)webinar_id);
  for (size_t i = 0; w && i < w->nocc && n < max; i++)
    memcpy(ids[n++], w->occ[i].id, 24);
  pthread_mutex_unlock(&t->s->lock);
  return n;
}
