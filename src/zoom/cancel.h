/* cancel.h - the cancellation hook a caller hands to every Zoom call. */
#ifndef ZOOM_CANCEL_H
#define ZOOM_CANCEL_H

#include <stdbool.h>

/* Polled while a transfer runs (from curl's progress callback, at least once a second)
 * and while waiting between retries; when it returns true the transfer is aborted and
 * the call fails with ZOOM_ERR_CANCELLED. Pass NULL for "never cancelled". */
typedef struct zoom_cancel {
  bool (*cancelled)(void *ctx);
  void *ctx;
} zoom_cancel;

#endif
