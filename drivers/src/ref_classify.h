/* Classifying a set of images on the reference model, over threads, and the
 * kept fault-free run that lets a faulty run start at the first layer its
 * faults change (private to drivers/; the C-model back end's classify). */
#ifndef FTSA_REF_CLASSIFY_H
#define FTSA_REF_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/dataset.h"
#include "ftsa/error.h"
#include "ftsa/ref.h"

/* The fault-free run of images [first, first + count) of one data set: the
 * outputs of the layers that fit in the byte bound (deepest layers first,
 * then the quantized inputs), every image's class and the correct count.  A
 * run starting at layer s reads the deepest kept output before s, or the
 * kept inputs, or quantizes the pixels again: past the bound it recomputes
 * more, never gives other results. */
typedef struct {
    const uint8_t *images, *labels; /* the data set's buffers: which images these are */
    uint32_t first, count, n_layers;
    int valid;
    int8_t *input;  /* [count][input elems], or NULL when not kept */
    int8_t **act;   /* [n_layers]: [count][elems of the layer output], or NULL */
    uint8_t *pred;  /* [count] */
    uint32_t correct;
    size_t bytes;   /* held */
} ftsa_golden_t;

/* True when g holds the fault-free run of exactly these images. */
int ftsa_golden_matches(const ftsa_golden_t *g, const ftsa_dataset_t *ds, uint32_t first,
                        uint32_t count);
/* Run pristine (a fault-free workspace) on the images and keep what fits in
 * bound bytes (the classes always).  Replaces what g held. */
ftsa_status_t ftsa_golden_build(ftsa_golden_t *g, const ftsa_ref_t *pristine,
                                const ftsa_dataset_t *ds, uint32_t first, uint32_t count,
                                size_t bound, uint32_t threads, ftsa_err_t *err);
void ftsa_golden_free(ftsa_golden_t *g);

/* First layer where net differs from pristine in a parameter that tensor
 * faults change (weights, bias), or net->n_layers. */
uint32_t ftsa_first_changed_layer(const ftsa_net_t *pristine, const ftsa_net_t *net);

/* Output channels of weighted layer l whose weights or bias differ between
 * pristine and net, into ch (room for out.c); returns how many. */
uint32_t ftsa_changed_channels(const ftsa_net_t *pristine, const ftsa_net_t *net, uint32_t l,
                               uint32_t *ch);

/* Where a faulty run may start: layer start (the first its faults can
 * change) and, when only some output channels of start change (its
 * parameters; stored-output faults may come on top), those n_ch channels
 * ch (n_ch 0: all of them). */
typedef struct {
    uint32_t start;
    const uint32_t *ch;
    uint32_t n_ch;
} ftsa_ref_start_t;

/* Classify the images on src (its network, faults and masks), from
 * from->start on when g (may be NULL) holds their fault-free run, only the
 * channels from->ch of it when g holds its fault-free output and input;
 * src's layers before start (and start's other channels) must equal the
 * fault-free ones.  threads 0: every online core; small runs use fewer.
 * pred may be NULL. */
ftsa_status_t ftsa_ref_classify(const ftsa_ref_t *src, const ftsa_dataset_t *ds, uint32_t first,
                                uint32_t count, const ftsa_golden_t *g,
                                const ftsa_ref_start_t *from, uint32_t threads, uint8_t *pred,
                                uint32_t *correct, ftsa_err_t *err);

/* Online cores (at least 1). */
uint32_t ftsa_online_cores(void);

#endif
