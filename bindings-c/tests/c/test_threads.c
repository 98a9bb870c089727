/*
 * One engine, several threads: each thread evaluates different samples of
 * one multi-sample VCF at the same time; the JSON must equal the serial
 * answers.
 *
 * The VCF is made from tests/corpus/example-patient.vcf: sample k copies
 * its genotypes and turns every fourth 0/0 (offset k) into 0/1, so the
 * samples differ.
 *
 * Usage: test_threads REPO_ROOT
 */
#include <pthread.h>

#include "common.h"

#define SAMPLES 6
#define THREADS 3

static dosera_engine *engine;
static char *vcf;
static size_t vcf_len;
static char *serial[SAMPLES];
static char *parallel[SAMPLES];

/* Builds the multi-sample VCF text from the one-sample example. */
static char *widen(const char *in, size_t *out_len) {
  size_t cap = strlen(in) * (SAMPLES + 1) + 1024, n = 0;
  char *out = malloc(cap);
  const char *line = in;
  int record = 0;
  while (*line) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    if (line[0] == '#' && line[1] == '#') {
      n += (size_t)snprintf(out + n, cap - n, "%.*s\n", (int)len, line);
    } else {
      /* Everything up to the last tab is shared; the last column is the GT. */
      const char *last = line + len;
      while (last > line && last[-1] != '\t') last--;
      n += (size_t)snprintf(out + n, cap - n, "%.*s", (int)(last - line), line);
      for (int k = 0; k < SAMPLES; k++) {
        if (line[0] == '#') {
          n += (size_t)snprintf(out + n, cap - n, "%sS%d", k ? "\t" : "", k);
        } else {
          int bump = strncmp(last, "0/0", 3) == 0 && record % 4 == k % 4 && k > 0;
          n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? "\t" : "",
                                bump ? "0/1" : "");
          if (!bump)
            n += (size_t)snprintf(out + n, cap - n, "%.*s", (int)(line + len - last), last);
        }
      }
      n += (size_t)snprintf(out + n, cap - n, "\n");
      if (line[0] != '#') record++;
    }
    line = end ? end + 1 : line + len;
  }
  *out_len = n;
  return out;
}

static char *evaluate_sample(int k) {
  char options[256];
  snprintf(options, sizeof options,
           "{\"sample\":\"S%d\",\"genes\":[\"CYP2C19\",\"CYP2C9\",\"SLCO1B1\",\"DPYD\","
           "\"TPMT\"]}",
           k);
  dosera_result *r = NULL;
  char *json = NULL;
  CHECK_STATUS(dosera_evaluate_vcf_bytes(engine, (const uint8_t *)vcf, vcf_len, STR(options),
                                         &r),
               DOSERA_STATUS_OK);
  CHECK_STATUS(dosera_result_json(r, &json), DOSERA_STATUS_OK);
  dosera_result_free(r);
  return json;
}

static void *worker(void *arg) {
  int t = (int)(size_t)arg;
  for (int k = t; k < SAMPLES; k += THREADS) parallel[k] = evaluate_sample(k);
  /* The last error is per thread: a failure here is not seen elsewhere. */
  dosera_engine *none = NULL;
  CHECK(dosera_engine_from_dir(NULL, 0, &none) == DOSERA_STATUS_USAGE);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s REPO_ROOT\n", argv[0]);
    return 2;
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/corpus/example-patient.vcf", argv[1]);
  char *one = read_file(path, NULL);
  if (!one) {
    fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  vcf = widen(one, &vcf_len);
  free(one);
  CHECK_STATUS(dosera_engine_new(&engine), DOSERA_STATUS_OK);

  for (int k = 0; k < SAMPLES; k++) serial[k] = evaluate_sample(k);
  /* The samples really differ. */
  CHECK(serial[0] && serial[1] && strcmp(serial[0], serial[1]) != 0);

  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++)
    CHECK(pthread_create(&threads[t], NULL, worker, (void *)(size_t)t) == 0);
  for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  CHECK(dosera_last_error_code() == DOSERA_STATUS_OK);

  for (int k = 0; k < SAMPLES; k++) {
    int same = serial[k] && parallel[k] && strcmp(serial[k], parallel[k]) == 0;
    if (!same) fprintf(stderr, "sample S%d: threaded answer differs from serial\n", k);
    CHECK(same);
    dosera_string_free(serial[k]);
    dosera_string_free(parallel[k]);
  }
  dosera_engine_free(engine);
  free(vcf);
  if (failures) {
    fprintf(stderr, "test_threads: %d check(s) failed\n", failures);
    return 1;
  }
  printf("test_threads: %d samples on %d threads match the serial answers\n", SAMPLES,
         THREADS);
  return 0;
}
