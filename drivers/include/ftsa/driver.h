/* One driver API over every back end (C model, Verilated RTL, SystemC, ...).
 *
 * A device is opened on a back end with a network; inference runs one input at
 * a time and leaves each layer's output readable.  Callers never know which
 * back end they talk to.  A back end is added by implementing ftsa_backend_ops_t
 * and listing it in driver.c (docs/backends.md). */
#ifndef FTSA_DRIVER_H
#define FTSA_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/dataset.h"
#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"
#include "ftsa/trace.h"

typedef struct {
    uint32_t array_n;       /* systolic array side (hardware back ends); 0 = default 8 */
    const char *trace_path; /* waveform file (RTL back ends), NULL for none */
    uint32_t threads;       /* threads of ftsa_dev_classify (back ends that have them);
                               0 = every online core */
} ftsa_dev_opts_t;

/* Per-layer counters a back end may report (zero where it has none). */
typedef struct {
    uint64_t cycles;
    uint64_t macs;
} ftsa_layer_stats_t;

typedef struct ftsa_backend ftsa_backend_t; /* a back end's private state */

typedef struct {
    const char *name;
    const char *summary;
    ftsa_status_t (*open)(ftsa_backend_t **be, const ftsa_net_t *net, const ftsa_dev_opts_t *opts,
                          ftsa_err_t *err);
    ftsa_status_t (*infer)(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err);
    /* Output of layer i from the last inference; NULL if the back end does not
     * materialize it (a layer fused into the next one). */
    const int8_t *(*layer_output)(const ftsa_backend_t *be, uint32_t layer);
    /* Counters of layer i from the last inference (may be NULL). */
    void (*layer_stats)(const ftsa_backend_t *be, uint32_t layer, ftsa_layer_stats_t *stats);
    /* Install a fault list for the following inferences, replacing the
     * previous one; an empty list restores the fault-free device.  NULL if the
     * back end injects no faults. */
    ftsa_status_t (*set_faults)(ftsa_backend_t *be, const ftsa_fault_list_t *faults,
                                ftsa_err_t *err);
    /* Record the SRAM accesses of each following inference run into t
     * (replacing its contents), or stop with NULL.  NULL if the back end
     * cannot (docs/formats.md, "Access traces"). */
    ftsa_status_t (*set_access_trace)(ftsa_backend_t *be, ftsa_trace_t *t, ftsa_err_t *err);
    /* Classify images (see ftsa_dev_classify) the back end's own way (threads,
     * the kept fault-free run); sets *done to 0 to leave it to the driver's
     * image-by-image loop.  The range is checked.  May be NULL. */
    ftsa_status_t (*classify)(ftsa_backend_t *be, const ftsa_dataset_t *ds, uint32_t first,
                              uint32_t count, uint8_t *pred, uint32_t *correct, int *done,
                              ftsa_err_t *err);
    /* See ftsa_dev_set_reuse.  May be NULL. */
    ftsa_status_t (*set_reuse)(ftsa_backend_t *be, size_t bytes, ftsa_err_t *err);
    void (*close)(ftsa_backend_t *be);
} ftsa_backend_ops_t;

typedef struct ftsa_dev ftsa_dev_t;

/* Back ends compiled into this build, NULL-terminated. */
const ftsa_backend_ops_t *const *ftsa_backends(void);
const ftsa_backend_ops_t *ftsa_backend_find(const char *name);

/* Open backend_name on net (which must outlive the device). */
ftsa_status_t ftsa_dev_open(const char *backend_name, const ftsa_net_t *net,
                            const ftsa_dev_opts_t *opts, ftsa_dev_t **dev, ftsa_err_t *err);
ftsa_status_t ftsa_dev_infer(ftsa_dev_t *dev, const int8_t *input, ftsa_err_t *err);
const int8_t *ftsa_dev_layer_output(const ftsa_dev_t *dev, uint32_t layer);
/* Network output (last layer) and its arg-max class. */
const int8_t *ftsa_dev_output(const ftsa_dev_t *dev);
uint32_t ftsa_dev_argmax(const ftsa_dev_t *dev);
void ftsa_dev_layer_stats(const ftsa_dev_t *dev, uint32_t layer, ftsa_layer_stats_t *stats);
const char *ftsa_dev_backend_name(const ftsa_dev_t *dev);
/* The network the device was opened with. */
const ftsa_net_t *ftsa_dev_net(const ftsa_dev_t *dev);

/* Install faults (see ftsa_backend_ops_t.set_faults); NULL clears.  Tensor-space
 * faults are checked against the network first. */
ftsa_status_t ftsa_dev_set_faults(ftsa_dev_t *dev, const ftsa_fault_list_t *faults,
                                  ftsa_err_t *err);

/* Classify images [first, first + count) of ds: writes each predicted class to
 * pred (may be NULL) and the number of correct ones to *correct. */
ftsa_status_t ftsa_dev_classify(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                                uint32_t count, uint8_t *pred, uint32_t *correct, ftsa_err_t *err);
/* Golden-run reuse for ftsa_dev_classify: keep the fault-free outputs of
 * the layers of the classified images (at most bytes of them; 0 turns reuse
 * off and frees them) and start each classify at the first layer the faults
 * in force can change; with no effective fault, classify costs nothing.
 * The results are those of the full computation.  After a reused classify
 * the layer outputs (ftsa_dev_layer_output) are unspecified.  The images are
 * recognized by ds's buffers, first and count: do not change a data set's
 * contents in place while reuse is on.  A back end without reuse ignores it. */
ftsa_status_t ftsa_dev_set_reuse(ftsa_dev_t *dev, size_t bytes, ftsa_err_t *err);
/* Record the SRAM access trace of each following inference into t (owned by
 * the caller, initialized), or stop with NULL; FTSA_E_UNSUPPORTED when the
 * back end has no cycle-level model. */
ftsa_status_t ftsa_dev_set_access_trace(ftsa_dev_t *dev, ftsa_trace_t *t, ftsa_err_t *err);
void ftsa_dev_close(ftsa_dev_t *dev);

#endif
