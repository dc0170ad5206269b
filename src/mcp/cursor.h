/* cursor.h - opaque pagination cursors for the MCP list methods.
 *
 * A cursor encodes a position in a list together with a check value bound to
 * the list it came from (its kind and contents), so a cursor from another
 * list, a tampered cursor, or one from before the list changed is refused
 * rather than silently misread. */
#ifndef MCP_CURSOR_H
#define MCP_CURSOR_H

#include <stddef.h>
#include <stdint.h>

/* Room for an encoded cursor, terminating NUL included. */
#define CURSOR_MAX 32

/* Writes the cursor for position OFFSET in the list identified by SALT into
 * OUT (NUL-terminated, URL-safe characters only). */
void cursor_encode(size_t offset, uint32_t salt, char out[CURSOR_MAX]);

/* Decodes TEXT. Returns 0 and stores the position in *OFFSET when TEXT was
 * made by cursor_encode for the same SALT and the position is at most LIMIT;
 * returns -1 otherwise. */
int cursor_decode(const char *text, uint32_t salt, size_t limit, size_t *offset);

/* Mixes the NUL-terminated string S into the running hash H (FNV-1a); start
 * with H = 2166136261u. Used to build salts from list kinds and item names. */
uint32_t cursor_hash(uint32_t h, const char *s);

#endif
