/* signals.h - SIGTERM and SIGINT as a descriptor that every transport thread
 * can poll, shared by the stdio and HTTP transports. */
#ifndef TRANSPORT_SIGNALS_H
#define TRANSPORT_SIGNALS_H

/* Installs handlers for SIGTERM and SIGINT that make transport_signals_fd()
 * readable, and ignores SIGPIPE (a peer that went away shows as EPIPE).
 * Nests: the first call installs, the matching last transport_signals_release
 * restores what was there before. Returns 0, or -1 when the pipe cannot be
 * made (logged). */
int transport_signals_acquire(void);

/* Undoes one transport_signals_acquire. */
void transport_signals_release(void);

/* The read end of the signal pipe, or -1 while no handler is installed. It
 * is a latch: nobody reads from it, so once SIGTERM or SIGINT has arrived it
 * stays readable, and every thread that polls it sees the signal, whenever
 * it looks (a blocked writer, a reader, a thread waiting out a grace period). */
int transport_signals_fd(void);

#endif
