/* fuzz_net.h - one request over a loopback TCP connection, for the targets that
 * fuzz an HTTP server in the same process (sim_http, http): connect, send,
 * half-close, read the reply, all within a deadline. Static functions: each
 * target includes it once. */
#ifndef TESTS_FUZZ_FUZZ_NET_H
#define TESTS_FUZZ_FUZZ_NET_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* Milliseconds left until DEADLINE (CLOCK_MONOTONIC), at least 0. */
static int fuzz_ms_left(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
  return ms > 0 ? (int)ms : 0;
}

/* Waits until FD is ready for EVENTS or the deadline passes; libFuzzer's
 * once-a-second SIGALRM (its -timeout watch) interrupts waits, so EINTR
 * means "wait again". Returns true when ready. */
static bool fuzz_wait(int fd, short events, const struct timespec *deadline) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = events};
    int rc = poll(&p, 1, fuzz_ms_left(deadline));
    if (rc > 0)
      return true;
    if (rc == 0 || errno != EINTR)
      return false;
  }
}

/* Sends REQ[0..LEN) on a new connection to 127.0.0.1:PORT, half-closes it
 * (the server still answers a whole request, and ends an unfinished one
 * instead of waiting for bytes that never come), and reads the reply into
 * OUT (at most OUTMAX-1 bytes, NUL-terminated) until the server closes,
 * COMPLETE (may be NULL) says the reply is whole, or TIMEOUT_S pass. Returns
 * the bytes read, or -1 when the connection could not be made. */
static long fuzz_exchange(int port, const char *req, size_t len, char *out, size_t outmax,
                          int timeout_s, bool (*complete)(const char *out, size_t got)) {
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_s;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  FUZZ_CHECK(fd >= 0, "socket");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if ((errno != EINPROGRESS && errno != EINTR) || !fuzz_wait(fd, POLLOUT, &deadline) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
      close(fd);
      return -1;
    }
  }
  for (size_t sent = 0; sent < len;) {
    ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
    if (n > 0)
      sent += (size_t)n;
    else if (n < 0 && (errno == EAGAIN || errno == EINTR) && fuzz_wait(fd, POLLOUT, &deadline))
      continue;
    else
      break; /* the server may close early on a bad request */
  }
  shutdown(fd, SHUT_WR);
  size_t got = 0;
  for (;;) {
    char sink[4096]; /* past OUTMAX the reply is read and dropped */
    char *dst = got < outmax - 1 ? out + got : sink;
    size_t room = got < outmax - 1 ? outmax - 1 - got : sizeof sink;
    ssize_t n = recv(fd, dst, room, 0);
    if (n > 0) {
      if (dst != sink)
        got += (size_t)n;
      if (complete && complete(out, got))
        break;
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR) || !fuzz_wait(fd, POLLIN, &deadline)) {
      break;
    }
  }
  out[got] = '\0';
  close(fd);
  return (long)got;
}

#endif
