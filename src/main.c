/* main.c - the zoom-webinar-mcp command line (placeholder until the core lands). */
#include <stdio.h>

int main(void) {
  fputs("zoom-webinar-mcp: not built yet\n", stderr);
  return 1;
}
