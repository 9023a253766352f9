/* Test-vector packages (vectors.h): what a package holds and what it refuses.
 * The replay ctests (testbenches/replay) check the packages on the RTL. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ftsa/fileio.h"
#include "ftsa/netgen.h"
#include "ftsa/vectors.h"

typedef struct {
    ftsa_net_t net;
    int8_t *in;
    ftsa_vec_opts_t o;
    char dir[64];
} rig_t;

static void rig_open(rig_t *r, uint32_t images)
{
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_random(&r->net, 21, NULL, &err), FTSA_OK);
    size_t elems = ftsa_shape_elems(r->net.input);
    r->in = malloc(elems * images);
    for (uint32_t k = 0; k < images; k++)
        ftsa_netgen_input(&r->net, k, r->in + k * elems);
    r->o = (ftsa_vec_opts_t){.array_n = 8, .n_images = images, .inputs = r->in};
    snprintf(r->dir, sizeof r->dir, "/tmp/ftsa_vec_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(r->dir));
}

static char *slurp(const rig_t *r, const char *name, size_t *len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    uint8_t *buf;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_read_file(path, 1u << 26, &buf, len, &err), FTSA_OK);
    return (char *)buf;
}

static void rig_close(rig_t *r)
{
    static const char *const files[] = {"params.hex", "memory.hex", "inputs.hex", "layout.hex",
                                        "seq.hex",    "masks.hex",  "expect.hex", "README.txt",
                                        "manifest.json"};
    char path[128];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", r->dir, files[i]);
        unlink(path);
    }
    rmdir(r->dir);
    free(r->in);
    ftsa_net_free(&r->net);
}

static uint32_t lines(const char *s, size_t len)
{
    uint32_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

START_TEST(package_contents)
{
    rig_t r;
    rig_open(&r, 2);
    ftsa_err_t err;
    ftsa_vec_summary_t sum;
    ck_assert_int_eq(ftsa_vec_export(&r.net, &r.o, r.dir, &sum, &err), FTSA_OK);
    size_t len;
    char *p = slurp(&r, "params.hex", &len);
    unsigned v[11];
    ck_assert_int_eq(sscanf(p, "%x %x %x %x %x %x %x %x %x %x %x", &v[0], &v[1], &v[2], &v[3],
                            &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10]), 11);
    ck_assert_uint_eq(v[0], 0x66747361u);
    ck_assert_uint_eq(v[1], 1);
    ck_assert_uint_eq(v[2], 8);
    ck_assert_uint_eq(v[3], sum.host_words);
    ck_assert_uint_eq(v[4], 2);
    ck_assert_uint_eq(v[5], r.net.n_layers);
    ck_assert_uint_eq(v[8], sum.steps);
    ck_assert_uint_eq(v[10], sum.expect_words);
    free(p);
    /* Each file holds as many entries as params.hex says. */
    char *m = slurp(&r, "memory.hex", &len);
    ck_assert_uint_eq(lines(m, len), sum.host_words);
    free(m);
    char *e = slurp(&r, "expect.hex", &len);
    ck_assert_uint_eq(lines(e, len), sum.expect_words);
    free(e);
    char *s = slurp(&r, "seq.hex", &len);
    ck_assert_uint_eq(lines(s, len), sum.steps);
    /* reset, setup (2 CSRs + run), per image load + 2 CSRs + run + check, end */
    ck_assert_uint_eq(sum.steps, 1 + 3 + 2 * 5 + 1);
    ck_assert(!strncmp(s, "01000000_00000002_00000001", 26));
    free(s);
    char *in = slurp(&r, "inputs.hex", &len);
    ck_assert_uint_eq(lines(in, len), 2 * v[7]);
    free(in);
    char *j = slurp(&r, "manifest.json", &len);
    ck_assert_ptr_nonnull(strstr(j, "\"format\": \"ftsa-vectors\""));
    ck_assert_ptr_nonnull(strstr(j, ftsa_vec_rtl_revision()));
    free(j);
    /* The same inputs, the same package. */
    char *a = slurp(&r, "expect.hex", &len);
    ck_assert_int_eq(ftsa_vec_export(&r.net, &r.o, r.dir, NULL, &err), FTSA_OK);
    size_t len2;
    char *b = slurp(&r, "expect.hex", &len2);
    ck_assert(len == len2 && !memcmp(a, b, len));
    free(a);
    free(b);
    rig_close(&r);
}
END_TEST

/* Export with a one-line fault list; returns the status and leaves err. */
static ftsa_status_t export_faults(rig_t *r, const char *text, ftsa_err_t *err)
{
    ftsa_fault_list_t f;
    ftsa_faults_init(&f);
    ck_assert_int_eq(ftsa_faults_parse(text, "list", &f, err), FTSA_OK);
    r->o.faults = &f;
    ftsa_status_t st = ftsa_vec_export(&r->net, &r->o, r->dir, NULL, err);
    r->o.faults = NULL;
    ftsa_faults_free(&f);
    return st;
}

START_TEST(refused_faults)
{
    rig_t r;
    rig_open(&r, 1);
    ftsa_err_t err;
    ck_assert_int_eq(export_faults(&r, "rd act 3 2 p=0.5\n", &err), FTSA_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "read-disturb"));
    ck_assert_int_eq(export_faults(&r, "flip L0.act 0 1\n", &err), FTSA_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "activation"));
    ck_assert_int_eq(export_faults(&r, "flip L0.weights 0 1\nflip weight 0 0\n", &err),
                     FTSA_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "mixes"));
    ck_assert_int_eq(export_faults(&r, "seu act 3 2 @100\nseu weight 3 2 @100\n", &err),
                     FTSA_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "one word per cycle"));
    ck_assert_int_eq(export_faults(&r, "flip weight 99999 0\n", &err), FTSA_E_INVALID);
    /* Accepted: masks, upsets, and tensor-space weight faults compiled in. */
    ck_assert_int_eq(export_faults(&r, "sa1 weight 3 2\nseu act 3 2 @100\nseu act 3 5 @100\n",
                                   &err), FTSA_OK);
    ck_assert_int_eq(export_faults(&r, "flip L0.weights 0 7\n", &err), FTSA_OK);
    r.o.n_images = 0;
    ck_assert_int_eq(ftsa_vec_export(&r.net, &r.o, r.dir, NULL, &err), FTSA_E_INVALID);
    r.o.n_images = 1;
    ck_assert_int_eq(ftsa_vec_export(&r.net, &r.o, "/nonexistent/dir", NULL, &err), FTSA_E_IO);
    rig_close(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vectors");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, package_contents);
    tcase_add_test(tc, refused_faults);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
