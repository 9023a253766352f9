/* Fashion-MNIST loader: the real files, and every malformed case. */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ftsa/dataset.h"

static char dir[] = "/tmp/ftsa_test_ds_XXXXXX";

static void write_gz(const char *name, const uint8_t *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    gzFile f = gzopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    if (n)
        ck_assert_int_eq(gzwrite(f, data, (unsigned)n), (int)n);
    gzclose(f);
}

static void put_be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

/* Images file: magic, count, rows, cols, then `pixels` bytes of data. */
static void images_file(uint32_t magic, uint32_t count, uint32_t rows, uint32_t cols, size_t pixels)
{
    uint8_t *b = calloc(16 + pixels, 1);
    put_be32(b, magic);
    put_be32(b + 4, count);
    put_be32(b + 8, rows);
    put_be32(b + 12, cols);
    write_gz("img.gz", b, 16 + pixels);
    free(b);
}

static void labels_file(uint32_t magic, uint32_t count, const uint8_t *labels, size_t n)
{
    uint8_t *b = calloc(8 + n, 1);
    put_be32(b, magic);
    put_be32(b + 4, count);
    memcpy(b + 8, labels, n);
    write_gz("lbl.gz", b, 8 + n);
    free(b);
}

static ftsa_status_t load(ftsa_err_t *err)
{
    char img[256], lbl[256];
    ftsa_dataset_t ds;
    snprintf(img, sizeof img, "%s/img.gz", dir);
    snprintf(lbl, sizeof lbl, "%s/lbl.gz", dir);
    ftsa_status_t st = ftsa_dataset_load_files(img, lbl, &ds, err);
    if (!st)
        ftsa_dataset_free(&ds);
    return st;
}

static const uint8_t good_labels[3] = {0, 9, 4};

#define EXPECT(needle)                                                                             \
    do {                                                                                           \
        ftsa_err_t err_ = {0};                                                                     \
        ck_assert_int_ne(load(&err_), FTSA_OK);                                                    \
        ck_assert_msg(strstr(err_.msg, needle), "message '%s' lacks '%s'", err_.msg, needle);     \
    } while (0)

START_TEST(malformed_files)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    images_file(0x803, 3, 2, 2, 12);
    labels_file(0x801, 3, good_labels, 3);
    ftsa_err_t err;
    ck_assert_int_eq(load(&err), FTSA_OK);

    images_file(0x804, 3, 2, 2, 12);
    EXPECT("bad magic number 0x00000804");
    images_file(0x803, 3, 2, 2, 11);
    EXPECT("truncated: the pixel data needs 12 bytes, only 11 present");
    images_file(0x803, 3, 2, 2, 13);
    EXPECT("trailing data");
    images_file(0x803, 0, 2, 2, 0);
    EXPECT("image count 0");
    images_file(0x803, 3, 0, 2, 0);
    EXPECT("image size 0x2");
    write_gz("img.gz", (const uint8_t *)"\0\0\x08", 3);
    EXPECT("truncated: the IDX header");

    images_file(0x803, 3, 2, 2, 12);
    labels_file(0x801, 4, good_labels, 3);
    EXPECT("4 labels for 3 images");
    labels_file(0x803, 3, good_labels, 3);
    EXPECT("bad magic number");
    labels_file(0x801, 3, good_labels, 2);
    EXPECT("truncated: the labels");
    labels_file(0x801, 3, (const uint8_t[]){1, 10, 2}, 3);
    EXPECT("label 10 of item 1");

    char path[256];
    snprintf(path, sizeof path, "%s/lbl.gz", dir);
    remove(path);
    EXPECT("cannot open");
    snprintf(path, sizeof path, "%s/img.gz", dir);
    remove(path);
    rmdir(dir);
}
END_TEST

START_TEST(real_test_set)
{
    ftsa_dataset_t ds;
    ftsa_err_t err;
    ck_assert_msg(ftsa_dataset_load(NULL, FTSA_SPLIT_TEST, &ds, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_uint_eq(ds.count, 10000);
    ck_assert_uint_eq(ds.rows, 28);
    ck_assert_uint_eq(ds.cols, 28);
    uint32_t per_class[10] = {0};
    for (uint32_t i = 0; i < ds.count; i++)
        per_class[ds.labels[i]]++;
    for (int c = 0; c < 10; c++)
        ck_assert_uint_eq(per_class[c], 1000); /* the test set is balanced */
    uint64_t sum = 0;
    for (uint32_t i = 0; i < 28 * 28; i++)
        sum += ftsa_dataset_image(&ds, 0)[i];
    ck_assert_uint_gt(sum, 0);
    ftsa_dataset_free(&ds);
    ck_assert_int_eq(ftsa_dataset_load("/nonexistent", FTSA_SPLIT_TRAIN, &ds, &err), FTSA_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/train-images-idx3-ubyte.gz"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("dataset");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, malformed_files);
    tcase_add_test(tc, real_test_set);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ftsa_check_run(suite());
}
