/* The example platform's host program (example_host.c). */
#ifndef FTSA_EXAMPLE_HOST_H
#define FTSA_EXAMPLE_HOST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Classify the first `images` test images of data_dir with model on the
 * systemc back end and on the C model; print accuracy, cycles per inference
 * and whether every layer matched.  0 when all match, 1 otherwise. */
int ftsa_example_run(const char *model, const char *data_dir, uint32_t images);

#ifdef __cplusplus
}
#endif

#endif
