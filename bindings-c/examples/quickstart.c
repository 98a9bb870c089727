/*
 * dosera from C: load the bundled knowledge packs, evaluate a VCF, print
 * the drugs whose recommendation calls for action, clean up.
 *
 * With the library installed under PREFIX (scripts/install-c --prefix PREFIX)
 * and PKG_CONFIG_PATH=PREFIX/lib/pkgconfig:
 *
 *   cc quickstart.c $(pkg-config --cflags --libs dosera) -Wl,-rpath,PREFIX/lib -o quickstart
 *   ./quickstart patient.vcf
 */
#include <stdio.h>
#include <string.h>

#include "dosera.h"

/* Prints the last error of this thread and returns 1. */
static int fail(const char *what) {
  char *msg = dosera_last_error_message();
  fprintf(stderr, "%s failed (status %d): %s\n", what, (int)dosera_last_error_code(),
          msg ? msg : "");
  dosera_string_free(msg);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PATIENT.vcf\n", argv[0]);
    return 2;
  }
  if (dosera_abi_version() != DOSERA_ABI_VERSION) {
    fprintf(stderr, "libdosera has ABI %u, this program was built for %u\n",
            dosera_abi_version(), DOSERA_ABI_VERSION);
    return 1;
  }

  dosera_engine *engine = NULL;
  if (dosera_engine_new(&engine) != DOSERA_STATUS_OK) return fail("loading the packs");

  /* Options are JSON; NULL with length 0 means the defaults. */
  const char *options = "{\"sample\": \"0\"}";
  dosera_result *result = NULL;
  if (dosera_evaluate_vcf_path(engine, argv[1], strlen(argv[1]), options, strlen(options),
                               &result) != DOSERA_STATUS_OK) {
    dosera_engine_free(engine);
    return fail("evaluating the VCF");
  }

  char *json = NULL;
  if (dosera_result_sample_json(result, 0, &json) != DOSERA_STATUS_OK) {
    dosera_result_free(result);
    dosera_engine_free(engine);
    return fail("reading the report");
  }

  /* A real integration parses the report with a JSON library (cJSON,
   * jansson...). Here each drug entry of the pretty-printed report is found
   * by its indentation, and printed when it is marked actionable. */
  printf("dosera %s: actionable drugs for %s\n", dosera_version(), argv[1]);
  const char *drug_key = "\n      \"drug\": \"";
  const char *actionable_key = "\n      \"actionable\": ";
  const char *drugs = strstr(json, "\n  \"drugs\": [");
  for (const char *p = drugs ? strstr(drugs, drug_key) : NULL; p; p = strstr(p, drug_key)) {
    p += strlen(drug_key);
    const char *name_end = strchr(p, '"');
    const char *source = strstr(p, "\"source\": \"");
    const char *flag = strstr(p, actionable_key);
    if (!name_end || !source || !flag) break;
    source += strlen("\"source\": \"");
    flag += strlen(actionable_key);
    if (strncmp(flag, "true", 4) == 0)
      printf("  %.*s (%.*s)\n", (int)(name_end - p), p, (int)strcspn(source, "\""), source);
  }

  dosera_string_free(json);
  dosera_result_free(result);
  dosera_engine_free(engine);
  return 0;
}
