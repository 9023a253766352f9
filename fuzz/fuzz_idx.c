/* Fashion-MNIST IDX files, raw or gzipped (c-model/src/dataset.c).  Input:
 * a mode byte, then the file: mode even, an images file (labels: one item);
 * mode odd, a labels file (images: one 2x2 item).  The loader reads paths, so
 * the bytes go through a scratch file. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "ftsa/dataset.h"

static char img[64], lbl[64];

static void cleanup(void)
{
    unlink(img);
    unlink(lbl);
}

static void put(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f);
    if (n)
        FUZZ_ASSERT(fwrite(d, 1, n, f) == n);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t one_image[] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4};
    static const uint8_t one_label[] = {0, 0, 8, 1, 0, 0, 0, 1, 7};
    if (!img[0]) {
        snprintf(img, sizeof img, "/tmp/ftsa_fuzz_idx_%d_img", (int)getpid());
        snprintf(lbl, sizeof lbl, "/tmp/ftsa_fuzz_idx_%d_lbl", (int)getpid());
        atexit(cleanup);
    }
    if (!size)
        return 0;
    int labels = data[0] & 1;
    put(img, labels ? one_image : data + 1, labels ? sizeof one_image : size - 1);
    put(lbl, labels ? data + 1 : one_label, labels ? size - 1 : sizeof one_label);
    ftsa_dataset_t ds;
    ftsa_err_t err;
    if (ftsa_dataset_load_files(img, lbl, &ds, &err) == FTSA_OK) {
        FUZZ_ASSERT(ds.count >= 1 && ds.rows >= 1 && ds.cols >= 1);
        FUZZ_ASSERT(ds.labels[ds.count - 1] <= 9);
        ftsa_dataset_free(&ds);
    }
    return 0;
}
