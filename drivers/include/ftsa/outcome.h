/* Outcome of each fault of a list, injected alone, over a set of images. */
#ifndef FTSA_OUTCOME_H
#define FTSA_OUTCOME_H

#include <stdint.h>

#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/faults.h"

typedef enum {
    FTSA_OUTCOME_NEVER_READ = 0,  /* the faulty cell was not read (needs SRAM timing) */
    FTSA_OUTCOME_OVERWRITTEN = 1, /* overwritten before any read (needs SRAM timing) */
    FTSA_OUTCOME_MASKED = 2,      /* read, but every network output is unchanged */
    FTSA_OUTCOME_OUTPUT = 3,      /* some output changed, every top-1 class the same */
    FTSA_OUTCOME_SDC = 4,         /* the top-1 class changed on at least one image */
    FTSA_OUTCOME_COUNT
} ftsa_outcome_t;

typedef struct {
    ftsa_outcome_t outcome;
    uint32_t images_output_changed; /* images whose network output differs */
    uint32_t images_top1_changed;   /* images whose top-1 class differs */
} ftsa_fault_outcome_t;

const char *ftsa_outcome_name(ftsa_outcome_t o);

/* Inject each fault of list alone on dev and run images [first, first + count)
 * of ds against the fault-free outputs; out[i] describes list->v[i].  Leaves
 * the device fault-free. */
ftsa_status_t ftsa_fault_outcomes(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                                  uint32_t count, const ftsa_fault_list_t *list,
                                  ftsa_fault_outcome_t *out, ftsa_err_t *err);

#endif
