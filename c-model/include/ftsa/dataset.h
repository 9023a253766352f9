/* Fashion-MNIST (IDX files inside gzip, as shipped by Debian's
 * dataset-fashion-mnist package). */
#ifndef FTSA_DATASET_H
#define FTSA_DATASET_H

#include <stdint.h>

#include "ftsa/error.h"

#define FTSA_FMNIST_DIR "/usr/share/datasets/fashion-mnist"

typedef struct {
    uint32_t count;
    uint32_t rows, cols;
    uint8_t *images; /* count * rows * cols pixels, row-major, owned */
    uint8_t *labels; /* count labels in [0, 9], owned */
} ftsa_dataset_t;

typedef enum { FTSA_SPLIT_TRAIN, FTSA_SPLIT_TEST } ftsa_split_t;

/* Load an images/labels IDX pair (gzip or plain).  Checks magic numbers,
 * dimensions, that the counts agree, label range and truncation. */
ftsa_status_t ftsa_dataset_load_files(const char *images_path, const char *labels_path,
                                      ftsa_dataset_t *ds, ftsa_err_t *err);
/* Load a split from dir (NULL: $FTSA_DATA_DIR or FTSA_FMNIST_DIR). */
ftsa_status_t ftsa_dataset_load(const char *dir, ftsa_split_t split, ftsa_dataset_t *ds,
                                ftsa_err_t *err);
void ftsa_dataset_free(ftsa_dataset_t *ds);

static inline const uint8_t *ftsa_dataset_image(const ftsa_dataset_t *ds, uint32_t i)
{
    return ds->images + (uint64_t)i * ds->rows * ds->cols;
}

#endif
