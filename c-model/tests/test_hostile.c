/* Hostile input to the core loaders and writers: one test per finding of
 * issue #22 that lives in c-model/, each with its reproducer input built here
 * (declared sizes far beyond the file, octal-looking numbers, outputs that are
 * FIFOs, symlinks or directories, models that bend docs/formats.md). */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ftsa/dataset.h"
#include "ftsa/faults.h"
#include "ftsa/fileio.h"
#include "ftsa/model_file.h"
#include "ftsa/numparse.h"
#include "tiny_net.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/ftsa_test_hostile_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *in_dir(const char *name)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ & 3];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static void write_raw(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

#define HAS(msg, want) ck_assert_msg(strstr((msg), (want)) != NULL, "'%s' lacks '%s'", (msg), (want))

static void put_be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8), b[3] = (uint8_t)v;
}

/* An IDX images file (not gzipped: zlib reads it through) with a header of
 * count x rows x cols and only `have` pixels. */
static const char *idx_images(uint32_t count, uint32_t rows, uint32_t cols, size_t have)
{
    uint8_t *b = malloc(16 + have);
    put_be32(b, 0x803), put_be32(b + 4, count), put_be32(b + 8, rows), put_be32(b + 12, cols);
    for (size_t i = 0; i < have; i++)
        b[16 + i] = (uint8_t)(i * 2654435761u >> 24); /* incompressible enough */
    const char *path = in_dir("img");
    write_raw(path, b, 16 + have);
    free(b);
    return path;
}

/* Finding 1: a 16-byte header asked for its product of pixels up front. */
START_TEST(idx_header_cannot_demand_memory)
{
    ftsa_dataset_t ds;
    ftsa_err_t err = {0};
    /* 1000000 x 1024 x 1024: 1 TB, over the documented 1 GiB cap. */
    const char *img = idx_images(1000000, 1024, 1024, 64);
    ck_assert_int_eq(ftsa_dataset_load_files(img, img, &ds, &err), FTSA_E_FORMAT);
    HAS(err.msg, "over the limit of 1073741824");
    ck_assert_ptr_null(ds.images);
    /* 1000 x 1024 x 1024 = 1 GiB, within the cap, from an 80-byte file: refused
     * against the file size, before any allocation. */
    img = idx_images(1000, 1024, 1024, 64);
    ck_assert_int_eq(ftsa_dataset_load_files(img, img, &ds, &err), FTSA_E_FORMAT);
    HAS(err.msg, "more than a 80-byte file can hold");
    /* Plausible against the file size but short: truncated, with the real counts. */
    img = idx_images(3, 28, 28, 1000);
    ck_assert_int_eq(ftsa_dataset_load_files(img, img, &ds, &err), FTSA_E_FORMAT);
    HAS(err.msg, "truncated: the pixel data needs 2352 bytes, only 1000 present");
    /* Labels: a count that matches the images but not the file. */
    img = idx_images(4, 2, 2, 16);
    uint8_t lbl[8 + 4];
    put_be32(lbl, 0x801), put_be32(lbl + 4, 4), memset(lbl + 8, 1, 3);
    write_raw(in_dir("lbl"), lbl, 8 + 3);
    ck_assert_int_eq(ftsa_dataset_load_files(img, in_dir("lbl"), &ds, &err), FTSA_E_FORMAT);
    HAS(err.msg, "the labels needs 4 bytes, only 3 present");
}
END_TEST

/* Finding 2 (the shared reader): a directory, and a file over the cap, are
 * refused before anything is read or allocated. */
START_TEST(read_file_refuses_directories_and_oversize)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_read_file(dir, 1u << 20, &buf, &len, &err), FTSA_E_IO);
    HAS(err.msg, "is a directory");
    HAS(err.msg, dir);
    write_raw(in_dir("big"), "0123456789", 10);
    ck_assert_int_eq(ftsa_read_file(in_dir("big"), 9, &buf, &len, &err), FTSA_E_FORMAT);
    HAS(err.msg, "10 bytes, larger than the 9-byte limit");
    ck_assert_int_eq(ftsa_read_file(in_dir("big"), 10, &buf, &len, &err), FTSA_OK);
    ck_assert_uint_eq(len, 10);
    ck_assert_int_eq(buf[10], 0);
    free(buf);
}
END_TEST

/* Finding 3 (the shared inflater): a stream cannot claim more than zlib can
 * produce from it, nor produce more or less than it claims. */
START_TEST(inflate_is_bounded_by_the_declared_size)
{
    static uint8_t zeros[1 << 16], z[1 << 12];
    uLongf zlen = sizeof z;
    ck_assert_int_eq(compress2(z, &zlen, zeros, sizeof zeros, 9), Z_OK);
    uint8_t *out = NULL;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_inflate_exact(z, zlen, (size_t)1 << 30, &out, &err), FTSA_E_FORMAT);
    HAS(err.msg, "cannot inflate to the 1073741824 announced");
    ck_assert_int_eq(ftsa_inflate_exact(z, zlen, sizeof zeros - 1, &out, &err), FTSA_E_FORMAT);
    HAS(err.msg, "more than the announced length");
    ck_assert_int_eq(ftsa_inflate_exact(z, zlen, sizeof zeros + 1, &out, &err), FTSA_E_FORMAT);
    HAS(err.msg, "size mismatch");
    ck_assert_int_eq(ftsa_inflate_exact(z, zlen - 1, sizeof zeros, &out, &err), FTSA_E_FORMAT);
    ck_assert_int_eq(ftsa_inflate_exact(z, zlen, sizeof zeros, &out, &err), FTSA_OK);
    ck_assert_int_eq(out[0] | out[sizeof zeros - 1], 0);
    free(out);
}
END_TEST

/* Finding 4: numbers are decimal or 0x hex; "010" is an error, not octal 8. */
START_TEST(numbers_decimal_or_hex_only)
{
    uint64_t v = 0;
    double d = 0;
    ck_assert_int_eq(ftsa_parse_u64("010", &v), FTSA_NUM_LEADING_ZERO);
    ck_assert_int_eq(ftsa_parse_u64("00", &v), FTSA_NUM_LEADING_ZERO);
    ck_assert_int_eq(ftsa_parse_u64("0", &v), FTSA_NUM_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(ftsa_parse_u64("10", &v), FTSA_NUM_OK);
    ck_assert_uint_eq(v, 10);
    ck_assert_int_eq(ftsa_parse_u64("0x10", &v), FTSA_NUM_OK);
    ck_assert_uint_eq(v, 16);
    ck_assert_int_eq(ftsa_parse_u64("0X00ff", &v), FTSA_NUM_OK);
    ck_assert_uint_eq(v, 255);
    ck_assert_int_eq(ftsa_parse_u64("18446744073709551615", &v), FTSA_NUM_OK);
    ck_assert_uint_eq(v, UINT64_MAX);
    static const char *const bad[] = {"", "0x", " 1", "1 ", "+1", "-1", "1e3", "0b1", "0x1g", "ab"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(ftsa_parse_u64(bad[i], &v) == FTSA_NUM_SYNTAX, "'%s' accepted", bad[i]);
    ck_assert_int_eq(ftsa_parse_u64("18446744073709551616", &v), FTSA_NUM_RANGE);
    ck_assert_int_eq(ftsa_parse_uint("256", 255, &v), FTSA_NUM_RANGE);
    ck_assert_int_eq(ftsa_parse_double("010.5", &d), FTSA_NUM_OK);
    ck_assert(d == 10.5);
    ck_assert_int_eq(ftsa_parse_double("-1e-3", &d), FTSA_NUM_OK);
    ck_assert(d == -1e-3);
    static const char *const bad_d[] = {"", "0x1p3", "inf", "nan", " 1", "1,5", "."};
    for (size_t i = 0; i < sizeof bad_d / sizeof bad_d[0]; i++)
        ck_assert_msg(ftsa_parse_double(bad_d[i], &d) == FTSA_NUM_SYNTAX, "'%s' accepted", bad_d[i]);
    ck_assert_int_eq(ftsa_parse_double("1e400", &d), FTSA_NUM_RANGE);
}
END_TEST

START_TEST(fault_list_numbers_not_octal)
{
    ftsa_fault_list_t list;
    ftsa_err_t err = {0};
    static const char *const octal[][2] = {
        {"flip weight 010 3\n", "index '010' has a leading zero"},
        {"flip weight 1 07\n", "bit '07' has a leading zero"},
        {"seed 010\n", "seed '010' has a leading zero"},
        {"seu act 1 2 @010\n", "cycle '010' has a leading zero"},
    };
    for (size_t i = 0; i < sizeof octal / sizeof octal[0]; i++) {
        ck_assert_int_eq(ftsa_faults_parse(octal[i][0], "f.txt", &list, &err), FTSA_E_FORMAT);
        HAS(err.msg, "f.txt:1: ");
        HAS(err.msg, octal[i][1]);
    }
    ck_assert_int_eq(ftsa_faults_parse("seed 0x10\nflip weight 0x10 7\nflip weight 10 0\n", "f",
                                       &list, &err), FTSA_OK);
    ck_assert_uint_eq(list.seed, 16);
    ck_assert_uint_eq(list.n, 2);
    ck_assert_uint_eq(list.v[0].index, 16);
    ck_assert_uint_eq(list.v[1].index, 10);
    ftsa_faults_free(&list);
}
END_TEST

static void expect_refused(ftsa_status_t st, const ftsa_err_t *err, const char *path,
                           const char *kind)
{
    ck_assert_int_eq(st, FTSA_E_IO);
    HAS(err->msg, path);
    HAS(err->msg, kind);
    HAS(err->msg, "refusing");
}

/* Finding 5: a FIFO, a symlink or a directory at the output path is refused
 * by every writer, named, and left as it was. */
START_TEST(writers_refuse_non_regular_outputs)
{
    ftsa_err_t err = {0};
    ftsa_net_t net;
    tiny_net_build(&net, FTSA_ACT_RELU, 0);
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);

    const char *fifo = in_dir("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    expect_refused(ftsa_write_file_atomic(fifo, "x", 1, &err), &err, fifo, "is a FIFO");
    expect_refused(ftsa_model_save(&net, fifo, &err), &err, fifo, "is a FIFO");
    expect_refused(ftsa_faults_save(&list, fifo, &err), &err, fifo, "is a FIFO");
    struct stat sb;
    ck_assert_int_eq(lstat(fifo, &sb), 0);
    ck_assert(S_ISFIFO(sb.st_mode));
    ck_assert_int_ne(access(in_dir("fifo.tmp"), F_OK), 0);

    const char *target = in_dir("target"), *link = in_dir("link");
    write_raw(target, "keep", 4);
    ck_assert_int_eq(symlink(target, link), 0);
    expect_refused(ftsa_write_file_atomic(link, "x", 1, &err), &err, link, "is a symbolic link");
    expect_refused(ftsa_model_save(&net, link, &err), &err, link, "is a symbolic link");
    ck_assert_int_eq(lstat(link, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    uint8_t *buf;
    size_t len;
    ck_assert_int_eq(ftsa_read_file(target, 16, &buf, &len, &err), FTSA_OK);
    ck_assert_str_eq((char *)buf, "keep");
    free(buf);

    expect_refused(ftsa_write_file_atomic(dir, "x", 1, &err), &err, dir, "is a directory");

    /* The temporary's path is never followed either. */
    const char *fresh = in_dir("fresh"), *fresh_tmp = in_dir("fresh.tmp");
    ck_assert_int_eq(symlink(target, fresh_tmp), 0);
    ck_assert_int_eq(ftsa_write_file_atomic(fresh, "x", 1, &err), FTSA_E_IO);
    HAS(err.msg, "temporary file's path is a symbolic link");
    ck_assert_int_eq(ftsa_read_file(target, 16, &buf, &len, &err), FTSA_OK);
    ck_assert_str_eq((char *)buf, "keep");
    free(buf);

    /* A regular file, or a new path, is (re)placed; a stale temporary is cleared. */
    ck_assert_int_eq(unlink(fresh_tmp), 0);
    write_raw(fresh_tmp, "stale", 5);
    ck_assert_int_eq(ftsa_write_file_atomic(fresh, "new", 3, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_write_file_atomic(target, "over", 4, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_read_file(target, 16, &buf, &len, &err), FTSA_OK);
    ck_assert_str_eq((char *)buf, "over");
    free(buf);
    ck_assert_int_eq(ftsa_faults_save(&list, fresh, &err), FTSA_OK);
    ck_assert_int_ne(access(fresh_tmp, F_OK), 0);
    ftsa_net_free(&net);
}
END_TEST

static ftsa_status_t encode_decode(const ftsa_net_t *net, void (*patch)(uint8_t *, size_t),
                                   ftsa_err_t *err)
{
    uint8_t *buf;
    size_t len;
    ck_assert_int_eq(ftsa_model_encode(net, &buf, &len, err), FTSA_OK);
    if (patch)
        patch(buf, len);
    ftsa_net_t back;
    ftsa_status_t st = ftsa_model_decode(buf, len, &back, err);
    if (!st)
        ftsa_net_free(&back);
    free(buf);
    return st;
}

static void set_flags(uint8_t *b, size_t len)
{
    (void)len;
    b[6] = 1;
}

static void bomb_header(uint8_t *b, size_t len)
{
    (void)len;
    b[8] = 0, b[9] = 0, b[10] = 0, b[11] = 0x0c; /* 192 MiB announced payload */
}

/* Finding 8: the loader enforces docs/formats.md exactly. */
START_TEST(model_loader_is_strict)
{
    ftsa_err_t err = {0};
    ftsa_net_t net;
    tiny_net_build(&net, FTSA_ACT_RELU, 0);
    ck_assert_int_eq(encode_decode(&net, NULL, &err), FTSA_OK);

    ck_assert_int_eq(encode_decode(&net, set_flags, &err), FTSA_E_FORMAT);
    HAS(err.msg, "unknown flags 0x0001");
    ck_assert_int_eq(encode_decode(&net, bomb_header, &err), FTSA_E_FORMAT);
    HAS(err.msg, "cannot inflate to the 201326592 announced");

    net.layers[0].multiplier[1] = (1 << 30) - 1; /* below 2^30, not 0 */
    ck_assert_int_eq(encode_decode(&net, NULL, &err), FTSA_E_FORMAT);
    HAS(err.msg, "layer 0: channel 1: multiplier 1073741823 outside [2^30, 2^31)");
    net.layers[0].multiplier[1] = 0; /* 0 is allowed: the channel outputs its zero point */
    ck_assert_int_eq(encode_decode(&net, NULL, &err), FTSA_OK);

    net.layers[1].pad = 1;
    ck_assert_int_eq(encode_decode(&net, NULL, &err), FTSA_E_FORMAT);
    HAS(err.msg, "layer 1: max pool with padding 1");
    net.layers[1].pad = 0;

    net.layers[3].kh = net.layers[3].kw = 1; /* fc */
    ck_assert_int_eq(encode_decode(&net, NULL, &err), FTSA_E_FORMAT);
    HAS(err.msg, "layer 3: fc with kernel 1x1");
    net.layers[3].kh = net.layers[3].kw = 0;
    net.layers[2].stride = 1; /* flatten */
    ck_assert_int_eq(encode_decode(&net, NULL, &err), FTSA_E_FORMAT);
    HAS(err.msg, "stride 1, padding 0 (all must be 0)");
    ftsa_net_free(&net);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, idx_header_cannot_demand_memory);
    tcase_add_test(tc, read_file_refuses_directories_and_oversize);
    tcase_add_test(tc, inflate_is_bounded_by_the_declared_size);
    tcase_add_test(tc, numbers_decimal_or_hex_only);
    tcase_add_test(tc, fault_list_numbers_not_octal);
    tcase_add_test(tc, writers_refuse_non_regular_outputs);
    tcase_add_test(tc, model_loader_is_strict);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ftsa_check_run(suite());
}
