/* Helpers shared by the C tests: checks, file reading, string arguments. */
#ifndef DOSERA_TEST_COMMON_H
#define DOSERA_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dosera.h"

static int failures = 0;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,    \
              #cond);                                                      \
      failures++;                                                          \
    }                                                                      \
  } while (0)

#define CHECK_STATUS(call, want)                                           \
  do {                                                                     \
    dosera_status got_ = (call);                                           \
    if (got_ != (want)) {                                                  \
      char *msg_ = dosera_last_error_message();                            \
      fprintf(stderr, "%s:%d: %s gave status %d, want %d (%s)\n",         \
              __FILE__, __LINE__, #call, (int)got_, (int)(want),           \
              msg_ ? msg_ : "no message");                                 \
      dosera_string_free(msg_);                                            \
      failures++;                                                          \
    }                                                                      \
  } while (0)

/* A string literal or C string as the (pointer, length) pair of the API. */
#define STR(s) (s), strlen(s)

/* Reads a whole file; NULL when it cannot be read. Free with free(). */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *bigger = realloc(buf, cap * 2 + 1);
      if (!bigger) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

#endif
