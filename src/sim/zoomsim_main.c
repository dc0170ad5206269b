/* zoomsim_main.c - build/zoomsim: the Zoom sandbox as a standalone program for tests and demos. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/num.h"
#include "sim/sim.h"

static const char usage[] =
    "usage: zoomsim --listen HOST:PORT [options]\n"
    "\n"
    "Serves an in-memory Zoom account over HTTP: OAuth at BASE/oauth/token, the\n"
    "API at BASE/v2, test controls at BASE/_sim. Prints BASE on stdout, then\n"
    "serves until SIGTERM or SIGINT. SIGUSR1 expires every token issued so far\n"
    "(as does POST BASE/_sim/expire_tokens).\n"
    "\n"
    "  --listen HOST:PORT     numeric IPv4 address and port (0 = a free port);\n"
    "                         default 127.0.0.1:0\n"
    "  --account-id ID        accepted account_id (default sandbox)\n"
    "  --client-id ID         accepted client id (default sandbox)\n"
    "  --client-secret S      accepted client secret (default sandbox)\n"
    "  --token-lifetime SEC   access token lifetime (default 3600)\n"
    "  --seed N               seed of ids, uuids and faults (default 1)\n"
    "  --scale N              registrants per seeded webinar (default 20)\n"
    "  --webinars N           seeded webinars (default 6)\n"
    "  --rate-limits          apply Zoom's per-category rate limits\n"
    "  --daily-limit N        Heavy + Resource-intensive requests a day (default 30000)\n"
    "  --state FILE           load state from FILE, save it there on every change\n"
    "  --latency MS|MIN-MAX   delay every reply (fixed or random in a range)\n"
    "  --fail-5xx RATE        answer this share of requests (0..1) with a 5xx\n"
    "  --fail-status CODE     the 5xx status to use (default 503)\n"
    "  --burst-429 EVERY:LEN  every EVERY-th request starts LEN replies of 429\n"
    "  --drop RATE            close this share of connections without a reply\n"
    "  --truncate RATE        cut this share of reply bodies short\n"
    "  --log-level LEVEL      debug, info, notice, warning, error, off\n"
    "  --help                 this text\n"
    "\n"
    "The fault settings can also come from ZOOMSIM_LATENCY_MS, ZOOMSIM_5XX_RATE,\n"
    "ZOOMSIM_5XX_STATUS, ZOOMSIM_429_EVERY, ZOOMSIM_429_LENGTH, ZOOMSIM_DROP_RATE,\n"
    "ZOOMSIM_TRUNCATE_RATE, ZOOMSIM_SEED and ZOOMSIM_RATE_LIMITS; flags win.\n";

enum {
  OPT_LISTEN = 256,
  OPT_ACCOUNT,
  OPT_CLIENT,
  OPT_SECRET,
  OPT_LIFETIME,
  OPT_SEED,
  OPT_SCALE,
  OPT_WEBINARS,
  OPT_RATE,
  OPT_DAILY,
  OPT_STATE,
  OPT_LATENCY,
  OPT_5XX,
  OPT_5XX_STATUS,
  OPT_429,
  OPT_DROP,
  OPT_TRUNCATE,
  OPT_LOG_LEVEL,
  OPT_HELP,
};

static const struct option long_opts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"account-id", required_argument, NULL, OPT_ACCOUNT},
    {"client-id", required_argument, NULL, OPT_CLIENT},
    {"client-secret", required_argument, NULL, OPT_SECRET},
    {"token-lifetime", required_argument, NULL, OPT_LIFETIME},
    {"seed", required_argument, NULL, OPT_SEED},
    {"scale", required_argument, NULL, OPT_SCALE},
    {"webinars", required_argument, NULL, OPT_WEBINARS},
    {"rate-limits", no_argument, NULL, OPT_RATE},
    {"daily-limit", required_argument, NULL, OPT_DAILY},
    {"state", required_argument, NULL, OPT_STATE},
    {"latency", required_argument, NULL, OPT_LATENCY},
    {"fail-5xx", required_argument, NULL, OPT_5XX},
    {"fail-status", required_argument, NULL, OPT_5XX_STATUS},
    {"burst-429", required_argument, NULL, OPT_429},
    {"drop", required_argument, NULL, OPT_DROP},
    {"truncate", required_argument, NULL, OPT_TRUNCATE},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static volatile sig_atomic_t stop_requested, expire_requested;

static void on_signal(int sig) {
  if (sig == SIGUSR1)
    expire_requested = 1;
  else
    stop_requested = 1;
}

/* Splits "HOST:PORT" into HOST (copied into host[cap]) and the port. */
static int parse_listen(const char *text, char *host, size_t cap, uint16_t *port) {
  const char *colon = strrchr(text, ':');
  long long p;
  if (!colon || (size_t)(colon - text) >= cap || colon == text ||
      num_parse_ll(colon + 1, 0, 65535, &p))
    return -1;
  memcpy(host, text, (size_t)(colon - text));
  host[colon - text] = '\0';
  *port = (uint16_t)p;
  return 0;
}

int main(int argc, char **argv) {
  sim_options opt;
  char host[64] = "127.0.0.1";
  long long n;
  sim_options_init(&opt);
  if (sim_options_from_env(&opt) != 0)
    return 2;
  opt.listen_host = host;
  int c;
  while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
    switch (c) {
    case OPT_LISTEN:
      if (parse_listen(optarg, host, sizeof host, &opt.port))
        goto bad;
      break;
    case OPT_ACCOUNT:
      opt.account_id = optarg;
      break;
    case OPT_CLIENT:
      opt.client_id = optarg;
      break;
    case OPT_SECRET:
      opt.client_secret = optarg;
      break;
    case OPT_LIFETIME:
      if (num_parse_ll(optarg, 1, 31536000, &n))
        goto bad;
      opt.token_lifetime_s = (int)n;
      break;
    case OPT_SEED:
      if (num_parse_ll(optarg, 0, INT64_MAX, &n))
        goto bad;
      opt.seed = (uint64_t)n;
      break;
    case OPT_SCALE:
      if (num_parse_ll(optarg, 0, 1000000, &n))
        goto bad;
      opt.scale = (int)n;
      break;
    case OPT_WEBINARS:
      if (num_parse_ll(optarg, 0, 100000, &n))
        goto bad;
      opt.seed_webinars = (int)n;
      break;
    case OPT_RATE:
      opt.rate_limits = true;
      break;
    case OPT_DAILY:
      if (num_parse_ll(optarg, 1, 100000000, &n))
        goto bad;
      opt.daily_limit = (int)n;
      break;
    case OPT_STATE:
      opt.state_file = optarg;
      break;
    case OPT_LATENCY:
      if (sim_faults_parse_latency(&opt.faults, optarg))
        goto bad;
      break;
    case OPT_5XX:
      if (num_parse_double(optarg, 0.0, 1.0, &opt.faults.rate_5xx))
        goto bad;
      break;
    case OPT_5XX_STATUS:
      if (num_parse_ll(optarg, 500, 599, &n))
        goto bad;
      opt.faults.status_5xx = (int)n;
      break;
    case OPT_429: {
      char *colon = strchr(optarg, ':');
      long long every, len;
      if (!colon)
        goto bad;
      *colon = '\0';
      if (num_parse_ll(optarg, 1, 1000000, &every) || num_parse_ll(colon + 1, 1, 1000000, &len))
        goto bad;
      opt.faults.burst_429_every = (int)every;
      opt.faults.burst_429_length = (int)len;
      break;
    }
    case OPT_DROP:
      if (num_parse_double(optarg, 0.0, 1.0, &opt.faults.rate_drop))
        goto bad;
      break;
    case OPT_TRUNCATE:
      if (num_parse_double(optarg, 0.0, 1.0, &opt.faults.rate_truncate))
        goto bad;
      break;
    case OPT_LOG_LEVEL: {
      log_level level;
      if (log_level_parse(optarg, &level))
        goto bad;
      log_set_level(level);
      break;
    }
    case OPT_HELP:
      fputs(usage, stdout);
      return 0;
    default:
      fputs(usage, stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "zoomsim: unexpected argument: %s\n", argv[optind]);
    return 2;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* Block the stop signals (the server threads inherit the mask) and wait
   * for them with sigsuspend, so a signal cannot slip in before the wait. */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &block, &old);

  sim *s = NULL;
  if (sim_start(&s, &opt) != 0) {
    fprintf(stderr, "zoomsim: cannot start (see the log above)\n");
    return 1;
  }
  printf("%s\n", sim_base_url(s));
  fflush(stdout);
  while (!stop_requested) {
    sigsuspend(&old);
    if (expire_requested) {
      expire_requested = 0;
      sim_expire_tokens(s);
      log_info("zoomsim", "every access token issued so far has expired (SIGUSR1)");
    }
  }
  log_info("zoomsim", "stopping");
  sim_stop(s);
  return 0;
bad:
  fprintf(stderr, "zoomsim: bad value for an option: %s\n", optarg ? optarg : "");
  fputs(usage, stderr);
  return 2;
}
