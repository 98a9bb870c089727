/*
 * Tests of every exported function of the dosera C API: success paths,
 * NULL arguments, invalid UTF-8, a bad VCF, a corrupted pack, stored
 * reports of every schema version reanalysed, and the golden corpus
 * (tests/corpus/golden) compared with the Rust answers.
 *
 * Usage: test_capi REPO_ROOT CORRUPTED_PACK_DIR
 */
#include "common.h"

#include <dirent.h>
#include <sys/stat.h>

static const char *root;

static char *path_in_root(const char *rel) {
  size_t n = strlen(root) + strlen(rel) + 2;
  char *p = malloc(n);
  snprintf(p, n, "%s/%s", root, rel);
  return p;
}

/* A one-gene pack, small enough to write inline. */
static const char TINY_PACK[] =
    "{\"meta\":{\"schema_version\":3,\"source\":\"cpic\",\"release\":\"tiny-1\","
    "\"license\":\"CC0-1.0\",\"attribution\":\"test\",\"upstream\":[]},"
    "\"drugs\":[],\"genes\":[{\"symbol\":\"G1\",\"definition\":{\"version\":\"1\","
    "\"genome_build\":\"b38\",\"refseq_chromosome\":\"NC\",\"positions\":[{"
    "\"chromosome\":\"chr1\",\"position\":10,\"hgvs\":\"g.10A>G\",\"ref\":\"A\","
    "\"alts\":[\"G\"],\"cpic_alleles\":[\"A\",\"G\"],\"cpic_to_vcf\":{}}],"
    "\"alleles\":[{\"name\":\"*1\",\"reference\":true,\"alleles\":{\"0\":\"A\"}}],"
    "\"exemptions\":{}},\"phenotyping\":{\"version\":\"1\",\"method\":"
    "\"function_pair\"}}],\"guidelines\":[]}";

static const char SMALL_VCF[] =
    "##fileformat=VCFv4.2\n##reference=GRCh38\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\n"
    "chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\t1/1\n";

static void test_versions(void) {
  CHECK(dosera_abi_version() == DOSERA_ABI_VERSION);
  const char *v = dosera_version();
  CHECK(v != NULL && strlen(v) > 0);
}

static void test_errors_and_strings(void) {
  /* Nothing failed yet on this thread. */
  CHECK(dosera_last_error_code() == DOSERA_STATUS_OK);
  CHECK(dosera_last_error_message() == NULL);
  dosera_string_free(NULL);
  /* A failure is kept until the next call. */
  CHECK_STATUS(dosera_engine_new(NULL), DOSERA_STATUS_USAGE);
  CHECK(dosera_last_error_code() == DOSERA_STATUS_USAGE);
  char *msg = dosera_last_error_message();
  CHECK(msg && strstr(msg, "`out` is NULL"));
  dosera_string_free(msg);
}

static void test_engine_constructors(const char *corrupt_dir) {
  dosera_engine *e = NULL;
  CHECK_STATUS(dosera_engine_new(&e), DOSERA_STATUS_OK);
  CHECK(e != NULL);
  dosera_engine_free(e);
  dosera_engine_free(NULL);

  /* From a folder: the bundled data, then a corrupted copy. */
  char *dir = path_in_root("guidelines/data");
  e = NULL;
  CHECK_STATUS(dosera_engine_from_dir(STR(dir), &e), DOSERA_STATUS_OK);
  CHECK(e != NULL);
  char *rel = NULL;
  CHECK_STATUS(dosera_engine_pack_releases_json(e, &rel), DOSERA_STATUS_OK);
  CHECK(rel && strstr(rel, "\"release\""));
  dosera_string_free(rel);
  dosera_engine_free(e);
  free(dir);

  dosera_engine *untouched = (dosera_engine *)0x1;
  CHECK_STATUS(dosera_engine_from_dir(STR(corrupt_dir), &untouched),
               DOSERA_STATUS_CHECKSUM_MISMATCH);
  CHECK(untouched == (dosera_engine *)0x1); /* out-param left alone */
  char *msg = dosera_last_error_message();
  CHECK(msg && strstr(msg, "checksum mismatch"));
  dosera_string_free(msg);
  CHECK_STATUS(dosera_engine_from_dir(STR("/nonexistent/packs"), &untouched),
               DOSERA_STATUS_IO);
  CHECK_STATUS(dosera_engine_from_dir(NULL, 3, &untouched), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_from_dir("\xff\xfe", 2, &untouched),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_from_dir(STR("x"), NULL), DOSERA_STATUS_USAGE);
  CHECK(untouched == (dosera_engine *)0x1);

  /* From bytes. */
  e = NULL;
  CHECK_STATUS(dosera_engine_from_pack_bytes((const uint8_t *)TINY_PACK,
                                             strlen(TINY_PACK), &e),
               DOSERA_STATUS_OK);
  char *genes = NULL;
  CHECK_STATUS(dosera_engine_genes_json(e, &genes), DOSERA_STATUS_OK);
  CHECK(genes && strstr(genes, "\"G1\""));
  dosera_string_free(genes);
  CHECK_STATUS(dosera_engine_pack_releases_json(e, &rel), DOSERA_STATUS_OK);
  CHECK(rel && strstr(rel, "tiny-1"));
  dosera_string_free(rel);
  dosera_engine_free(e);
  CHECK_STATUS(dosera_engine_from_pack_bytes((const uint8_t *)"{not json", 9,
                                             &untouched),
               DOSERA_STATUS_INVALID_PACK);
  CHECK_STATUS(dosera_engine_from_pack_bytes(NULL, 0, &untouched),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_from_pack_bytes((const uint8_t *)TINY_PACK,
                                             strlen(TINY_PACK), NULL),
               DOSERA_STATUS_USAGE);
  CHECK(untouched == (dosera_engine *)0x1);
}

static void test_listings(dosera_engine *e) {
  char *s = NULL;
  CHECK_STATUS(dosera_engine_genes_json(e, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"CYP2C19\""));
  dosera_string_free(s);
  s = NULL;
  CHECK_STATUS(dosera_engine_drugs_json(e, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"clopidogrel\""));
  dosera_string_free(s);
  s = NULL;
  CHECK_STATUS(dosera_engine_pack_releases_json(e, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"sha256\"") && strstr(s, "\"dpwg\""));
  dosera_string_free(s);

  char *keep = (char *)0x1;
  CHECK_STATUS(dosera_engine_genes_json(NULL, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_drugs_json(NULL, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_pack_releases_json(NULL, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_genes_json(e, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_drugs_json(e, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_engine_pack_releases_json(e, NULL), DOSERA_STATUS_USAGE);
  CHECK(keep == (char *)0x1);
}

static void test_evaluate_json(dosera_engine *e) {
  const char *req =
      "{\"genes\":[{\"gene\":\"CYP2C19\",\"value\":\"*2/*2\"}],"
      "\"drugs\":[\"clopidogrel\"]}";
  char *s = NULL;
  CHECK_STATUS(dosera_evaluate_json(e, STR(req), &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "clopidogrel"));
  dosera_string_free(s);

  char *keep = (char *)0x1;
  const char *bad_gene = "{\"genes\":[{\"gene\":\"NOPE1\",\"value\":\"*1/*1\"}]}";
  CHECK_STATUS(dosera_evaluate_json(e, STR(bad_gene), &keep),
               DOSERA_STATUS_UNKNOWN_GENE);
  const char *bad_drug =
      "{\"genes\":[{\"gene\":\"CYP2C19\",\"value\":\"*1/*1\"}],\"drugs\":[\"nodrug\"]}";
  CHECK_STATUS(dosera_evaluate_json(e, STR(bad_drug), &keep),
               DOSERA_STATUS_UNKNOWN_DRUG);
  CHECK_STATUS(dosera_evaluate_json(e, STR("{not json"), &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_json(e, "\"\xff\"", 3, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_json(NULL, STR(req), &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_json(e, NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_json(e, STR(req), NULL), DOSERA_STATUS_USAGE);
  CHECK(keep == (char *)0x1);
}

static void test_results(dosera_engine *e) {
  dosera_result *r = NULL;
  const char *opts = "{\"drugs\":[\"clopidogrel\"],\"genes\":[\"CYP2C19\"]}";
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), STR(opts), &r),
               DOSERA_STATUS_OK);
  size_t n = 0;
  CHECK_STATUS(dosera_result_sample_count(r, &n), DOSERA_STATUS_OK);
  CHECK(n == 2);

  char *s = NULL;
  CHECK_STATUS(dosera_result_sample_name(r, 1, &s), DOSERA_STATUS_OK);
  CHECK(s && strcmp(s, "B") == 0);
  dosera_string_free(s);
  s = NULL;
  CHECK_STATUS(dosera_result_json(r, &s), DOSERA_STATUS_OK);
  CHECK(s && s[0] == '['); /* several samples: an array */
  dosera_string_free(s);
  s = NULL;
  CHECK_STATUS(dosera_result_sample_json(r, 0, &s), DOSERA_STATUS_OK);
  CHECK(s && s[0] == '{' && strstr(s, "\"sample\": \"A\""));
  dosera_string_free(s);
  s = NULL;
  CHECK_STATUS(dosera_result_sample_html(r, 0, STR("sv"), &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "<html lang=\"sv\""));
  dosera_string_free(s);
  s = NULL;
  CHECK_STATUS(dosera_result_sample_fhir(r, 1, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"resourceType\": \"Bundle\""));
  dosera_string_free(s);

  /* Wrong index, language, NULLs: statuses, out-params untouched. */
  char *keep = (char *)0x1;
  size_t keep_n = 77;
  CHECK_STATUS(dosera_result_sample_json(r, 2, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_name(r, 2, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_fhir(r, 5, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_html(r, 0, STR("fr"), &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_html(r, 0, "\xc3", 1, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_html(r, 0, NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_html(NULL, 0, STR("en"), &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_html(r, 0, STR("en"), NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_json(NULL, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_json(r, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_json(NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_json(r, 0, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_name(NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_name(r, 0, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_fhir(NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_fhir(r, 0, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_count(NULL, &keep_n), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_result_sample_count(r, NULL), DOSERA_STATUS_USAGE);
  CHECK(keep == (char *)0x1 && keep_n == 77);
  dosera_result_free(r);
  dosera_result_free(NULL);

  /* One sample chosen: a single object. */
  r = NULL;
  const char *one = "{\"sample\":\"B\",\"genes\":[\"CYP2C19\"]}";
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), STR(one), &r),
               DOSERA_STATUS_OK);
  CHECK_STATUS(dosera_result_json(r, &s), DOSERA_STATUS_OK);
  CHECK(s && s[0] == '{');
  dosera_string_free(s);
  dosera_result_free(r);

  /* Default options (NULL, 0), by path, with outside calls. */
  char *vcf_path = path_in_root("tests/corpus/example-patient.vcf");
  r = NULL;
  CHECK_STATUS(dosera_evaluate_vcf_path(e, STR(vcf_path), NULL, 0, &r), DOSERA_STATUS_OK);
  s = NULL;
  CHECK_STATUS(dosera_result_sample_json(r, 0, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "example-patient.vcf")); /* the file is recorded */
  dosera_string_free(s);
  dosera_result_free(r);
  const char *outside =
      "{\"outside\":\"CYP2D6\\t*1/*4\\n\",\"drugs\":[\"codeine\"],\"genes\":[\"CYP2C19\"]}";
  r = NULL;
  CHECK_STATUS(dosera_evaluate_vcf_path(e, STR(vcf_path), STR(outside), &r),
               DOSERA_STATUS_OK);
  s = NULL;
  CHECK_STATUS(dosera_result_sample_json(r, 0, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"source\": \"outside\""));
  dosera_string_free(s);
  dosera_result_free(r);

  /* Failures of the evaluation itself. */
  dosera_result *keep_r = (dosera_result *)0x1;
  const char *bad_vcf = "this is not a VCF\n";
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)bad_vcf,
                                         strlen(bad_vcf), NULL, 0, &keep_r),
               DOSERA_STATUS_INVALID_VCF);
  CHECK_STATUS(dosera_evaluate_vcf_path(e, STR("/nonexistent.vcf"), NULL, 0, &keep_r),
               DOSERA_STATUS_IO);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), STR("{\"sample\":\"Z\"}"),
                                         &keep_r),
               DOSERA_STATUS_UNKNOWN_SAMPLE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), STR("{\"nope\":1}"), &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), STR("\xff"), &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF),
                                         STR("{\"outside\":\"NOPE1\\t*1/*1\\n\"}"), &keep_r),
               DOSERA_STATUS_UNKNOWN_GENE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(NULL, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), NULL, 0, &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, NULL, 0, NULL, 0, &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), NULL, 1, &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)SMALL_VCF,
                                         strlen(SMALL_VCF), NULL, 0, NULL),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_path(NULL, STR(vcf_path), NULL, 0, &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_path(e, NULL, 0, NULL, 0, &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_path(e, "\xff.vcf", 5, NULL, 0, &keep_r),
               DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_evaluate_vcf_path(e, STR(vcf_path), NULL, 0, NULL),
               DOSERA_STATUS_USAGE);
  CHECK(keep_r == (dosera_result *)0x1);
  free(vcf_path);
}

/* Strict mode: a result given but not answered is DOSERA_STATUS_NON_ANSWER
 * (112) with the non-answer in the message; without it the answer says why
 * in each drug's non_answers. */
/* Stored reports of every schema version read again with the bundled
 * packs: v1 (release 2026.12.1) lists changes, v3 (the bundled release)
 * none; a report that is not one gives 111. */
static void test_reanalyze(dosera_engine *e) {
  const char *names[] = {"tests/fixtures/reports/v1/example-patient.json",
                         "tests/fixtures/reports/v2/example-patient.json",
                         "tests/fixtures/reports/v3/example-patient.json"};
  for (int v = 0; v < 3; v++) {
    char *path = path_in_root(names[v]);
    size_t len = 0;
    char *report = read_file(path, &len);
    CHECK(report != NULL);
    free(path);
    if (!report) continue;
    char *s = NULL;
    CHECK_STATUS(dosera_reanalyze_json(e, report, len, NULL, 0, &s), DOSERA_STATUS_OK);
    CHECK(s && strstr(s, "\"sample\": \"EXAMPLE-1\""));
    CHECK(s && strstr(s, "\"new_release\": \"2026.12.2\""));
    if (v < 2) {
      CHECK(s && strstr(s, "\"old_release\": \"2026.12.1\""));
      CHECK(s && strstr(s, "\"advice_changed\": true"));
      CHECK(s && strstr(s, "\"kind\": \"action\""));
    } else {
      CHECK(s && strstr(s, "\"advice_changed\": false"));
      CHECK(s && strstr(s, "\"changes\": []"));
    }
    dosera_string_free(s);
    s = NULL;
    const char *drugs = "[\"clopidogrel\"]";
    CHECK_STATUS(dosera_reanalyze_json(e, report, len, STR(drugs), &s), DOSERA_STATUS_OK);
    CHECK(s && (v == 2 || strstr(s, "\"drug\": \"clopidogrel\"")));
    dosera_string_free(s);

    /* The page of a new evaluation with what changed since this report. */
    if (v == 0) {
      char *vcf = path_in_root("tests/corpus/example-patient.vcf");
      dosera_result *r = NULL;
      CHECK_STATUS(dosera_evaluate_vcf_path(e, STR(vcf), NULL, 0, &r), DOSERA_STATUS_OK);
      free(vcf);
      s = NULL;
      CHECK_STATUS(dosera_result_sample_html_since(r, 0, STR("en"), report, len, &s),
                   DOSERA_STATUS_OK);
      CHECK(s && strstr(s, "<section id=\"since\">"));
      dosera_string_free(s);
      char *keep = (char *)0x1;
      CHECK_STATUS(dosera_result_sample_html_since(r, 0, STR("en"), STR("{"), &keep),
                   DOSERA_STATUS_MALFORMED_REPORT);
      CHECK_STATUS(dosera_result_sample_html_since(r, 0, STR("en"), NULL, 0, &keep),
                   DOSERA_STATUS_USAGE);
      CHECK_STATUS(dosera_result_sample_html_since(r, 1, STR("en"), report, len, &keep),
                   DOSERA_STATUS_USAGE);
      CHECK(keep == (char *)0x1);
      dosera_result_free(r);
    }
    free(report);
  }

  char *keep = (char *)0x1;
  CHECK_STATUS(dosera_reanalyze_json(e, STR("{"), NULL, 0, &keep),
               DOSERA_STATUS_MALFORMED_REPORT);
  CHECK(dosera_last_error_code() == DOSERA_STATUS_MALFORMED_REPORT);
  char *msg = dosera_last_error_message();
  CHECK(msg && strstr(msg, "not JSON"));
  dosera_string_free(msg);
  CHECK_STATUS(dosera_reanalyze_json(e, STR("{\"schema_version\": 9}"), NULL, 0, &keep),
               DOSERA_STATUS_MALFORMED_REPORT);
  CHECK_STATUS(dosera_reanalyze_json(e, "\xff", 1, NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_reanalyze_json(e, NULL, 0, NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_reanalyze_json(NULL, STR("{}"), NULL, 0, &keep), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_reanalyze_json(e, STR("{}"), NULL, 0, NULL), DOSERA_STATUS_USAGE);
  CHECK_STATUS(dosera_reanalyze_json(e, STR("{}"), STR("not json"), &keep), DOSERA_STATUS_USAGE);
  CHECK(keep == (char *)0x1);
}

static void test_strict(dosera_engine *e) {
  const char *plain =
      "{\"genes\":[{\"gene\":\"CYP2D6\",\"value\":\"No Result\"}],\"drugs\":[\"codeine\"]}";
  const char *strict =
      "{\"genes\":[{\"gene\":\"CYP2D6\",\"value\":\"No Result\"}],\"drugs\":[\"codeine\"],"
      "\"strict\":true}";
  char *s = NULL;
  CHECK_STATUS(dosera_evaluate_json(e, STR(plain), &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"reason\": \"no_row\""));
  dosera_string_free(s);
  char *keep = (char *)0x1;
  CHECK_STATUS(dosera_evaluate_json(e, STR(strict), &keep), DOSERA_STATUS_NON_ANSWER);
  CHECK(keep == (char *)0x1);
  CHECK(dosera_last_error_code() == DOSERA_STATUS_NON_ANSWER);
  char *msg = dosera_last_error_message();
  CHECK(msg && strstr(msg, "not answered (strict): CYP2D6 No Result"));
  dosera_string_free(msg);

  /* The outside-call typo: given, not understood. */
  char *vcf_path = path_in_root("tests/corpus/example-patient.vcf");
  const char *typo =
      "{\"outside\":\"CYP2D6\\t*1/*44x\\n\",\"drugs\":[\"codeine\"],\"genes\":[\"CYP2C19\"]}";
  dosera_result *r = NULL;
  CHECK_STATUS(dosera_evaluate_vcf_path(e, STR(vcf_path), STR(typo), &r), DOSERA_STATUS_OK);
  s = NULL;
  CHECK_STATUS(dosera_result_sample_json(r, 0, &s), DOSERA_STATUS_OK);
  CHECK(s && strstr(s, "\"reason\": \"not_understood\"") && strstr(s, "\"value\": \"*1/*44x\""));
  dosera_string_free(s);
  dosera_result_free(r);
  const char *typo_strict =
      "{\"outside\":\"CYP2D6\\t*1/*44x\\n\",\"drugs\":[\"codeine\"],\"genes\":[\"CYP2C19\"],"
      "\"strict\":true}";
  dosera_result *keep_r = (dosera_result *)0x1;
  CHECK_STATUS(dosera_evaluate_vcf_path(e, STR(vcf_path), STR(typo_strict), &keep_r),
               DOSERA_STATUS_NON_ANSWER);
  CHECK(keep_r == (dosera_result *)0x1);
  msg = dosera_last_error_message();
  CHECK(msg && strstr(msg, "CYP2D6 *1/*44x: given but not understood"));
  dosera_string_free(msg);
  free(vcf_path);
}

/* Replays tests/corpus/golden/<case> through the C API and compares the
 * JSON text with expected.json, written by the Rust test golden_corpus. */
static void golden_case(dosera_engine *e, const char *name) {
  char rel[512];
  snprintf(rel, sizeof rel, "tests/corpus/golden/%s/expected.json", name);
  char *p = path_in_root(rel);
  char *expected = read_file(p, NULL);
  free(p);
  CHECK(expected != NULL);
  if (!expected) return;

  char *answer = NULL;
  snprintf(rel, sizeof rel, "tests/corpus/golden/%s/request.json", name);
  p = path_in_root(rel);
  size_t len = 0;
  char *request = read_file(p, &len);
  free(p);
  if (request) {
    CHECK_STATUS(dosera_evaluate_json(e, request, len, &answer), DOSERA_STATUS_OK);
    free(request);
  } else {
    snprintf(rel, sizeof rel, "tests/corpus/golden/%s/input.vcf.ref", name);
    p = path_in_root(rel);
    char *ref = read_file(p, NULL);
    free(p);
    if (ref) {
      ref[strcspn(ref, "\r\n")] = '\0';
      p = path_in_root(ref);
      free(ref);
    } else {
      snprintf(rel, sizeof rel, "tests/corpus/golden/%s/input.vcf", name);
      p = path_in_root(rel);
    }
    size_t vcf_len = 0;
    char *vcf = read_file(p, &vcf_len);
    free(p);
    snprintf(rel, sizeof rel, "tests/corpus/golden/%s/options.json", name);
    p = path_in_root(rel);
    size_t opt_len = 0;
    char *options = read_file(p, &opt_len);
    free(p);
    CHECK(vcf != NULL);
    dosera_result *r = NULL;
    CHECK_STATUS(dosera_evaluate_vcf_bytes(e, (const uint8_t *)vcf, vcf_len, options,
                                           options ? opt_len : 0, &r),
                 DOSERA_STATUS_OK);
    CHECK_STATUS(dosera_result_json(r, &answer), DOSERA_STATUS_OK);
    dosera_result_free(r);
    free(vcf);
    free(options);
  }
  size_t n = strlen(expected);
  if (n && expected[n - 1] == '\n') expected[n - 1] = '\0';
  int same = answer && strcmp(answer, expected) == 0;
  if (!same) fprintf(stderr, "golden case %s: C answer differs from expected.json\n", name);
  CHECK(same);
  dosera_string_free(answer);
  free(expected);
}

/* Every case folder of tests/corpus/golden, in name order. */
static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void golden_cases(dosera_engine *e) {
  char *dir_path = path_in_root("tests/corpus/golden");
  DIR *dir = opendir(dir_path);
  CHECK(dir != NULL);
  char *names[256];
  size_t n = 0;
  struct dirent *entry;
  while (dir && (entry = readdir(dir)) != NULL && n < 256) {
    if (entry->d_name[0] == '.') continue;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/%s", dir_path, entry->d_name);
    struct stat st;
    if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
      size_t len = strlen(entry->d_name) + 1;
      names[n] = malloc(len);
      memcpy(names[n++], entry->d_name, len);
    }
  }
  if (dir) closedir(dir);
  free(dir_path);
  qsort(names, n, sizeof names[0], by_name);
  CHECK(n >= 6);
  for (size_t i = 0; i < n; i++) {
    golden_case(e, names[i]);
    free(names[i]);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s REPO_ROOT CORRUPTED_PACK_DIR\n", argv[0]);
    return 2;
  }
  root = argv[1];
  test_versions();
  test_errors_and_strings();
  test_engine_constructors(argv[2]);

  dosera_engine *e = NULL;
  CHECK_STATUS(dosera_engine_new(&e), DOSERA_STATUS_OK);
  if (!e) return 1;
  test_listings(e);
  test_evaluate_json(e);
  test_results(e);
  test_strict(e);
  test_reanalyze(e);
  golden_cases(e);
  dosera_engine_free(e);

  if (failures) {
    fprintf(stderr, "test_capi: %d check(s) failed\n", failures);
    return 1;
  }
  printf("test_capi: all checks passed\n");
  return 0;
}
