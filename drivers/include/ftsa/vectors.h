/* Test-vector packages (docs/vectors.md): everything a plain Verilog bench
 * needs to run a network on ftsa_top and check it, without the driver, the
 * compiler or the simulator shim.  A package is a directory of $readmemh hex
 * files (initial host memory, inputs, the stimulus sequence with its cycle
 * costs, fault masks, expected layer outputs and cycle stamps) and a JSON
 * manifest with zlib CRC-32s of every file, the model's CRC and the RTL
 * revision.  Expected values come from the cycle-accurate C model
 * (hwmodel.h), so replaying a package on the RTL (testbenches/replay/) is an
 * independent check of the RTL against the model. */
#ifndef FTSA_VECTORS_H
#define FTSA_VECTORS_H

#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"

/* Operations of the stimulus sequence (seq.hex; docs/vectors.md). */
enum {
    FTSA_VEC_END = 0,   /* finish: print the summary */
    FTSA_VEC_RESET = 1, /* rst_ni low for B cycles, then high for C cycles */
    FTSA_VEC_CSR = 2,   /* one cycle with csr_we_i: CSR A = B */
    FTSA_VEC_RUN = 3,   /* clock while busy_o; expect B cycles; run C, image D (~0: setup) */
    FTSA_VEC_LOAD = 4,  /* copy input B into host memory (no cycle) */
    FTSA_VEC_CHECK = 5, /* compare host memory with image B's expected words (no cycle) */
    FTSA_VEC_FAULT = 6, /* one cycle on the fault port: memory A>>4, kind A&15, word B, mask C */
    FTSA_VEC_UPSET = 7  /* in the next RUN, at its cycle D: upset memory A, word B, mask C */
};

/* Cycles the reset holds rst_ni low and then idles before the first CSR write. */
#define FTSA_VEC_RESET_LOW 2u
#define FTSA_VEC_RESET_HIGH 1u

typedef struct {
    uint32_t array_n;                /* array side (a multiple of 4) */
    uint32_t n_images;               /* at least 1 */
    const int8_t *inputs;            /* n_images inputs (HWC int8) back to back */
    const ftsa_fault_list_t *faults; /* NULL or empty: fault-free; SRAM-space or tensor-space
                                      * weight/bias faults, no read disturb */
    /* For the manifest only (may be NULL / 0). */
    const char *model_name;
    uint32_t model_crc32; /* zlib crc32 of the model file's bytes */
    const char *inputs_desc;
    const char *faults_name;
    uint32_t faults_crc32;
} ftsa_vec_opts_t;

typedef struct {
    uint32_t host_words;  /* 32-bit words of host memory */
    uint32_t steps;       /* entries of seq.hex */
    uint32_t masks;       /* fault-port masks */
    uint32_t expect_words;
    uint64_t setup_cycles, infer_cycles; /* the setup run and the first inference run */
    uint64_t total_cycles;               /* the whole sequence, reset included */
} ftsa_vec_summary_t;

/* Write the package for net into directory dir (which must exist); files
 * already there are replaced.  FTSA_E_UNSUPPORTED for faults a plain bench
 * cannot drive (read disturb, tensor-space activation faults, two upsets in
 * one cycle on different words) or a net the accelerator cannot run. */
ftsa_status_t ftsa_vec_export(const ftsa_net_t *net, const ftsa_vec_opts_t *opts, const char *dir,
                              ftsa_vec_summary_t *summary, ftsa_err_t *err);

/* Revision of rtl/ this build was made from (a hash of rtl/ *.v and *.vh). */
const char *ftsa_vec_rtl_revision(void);

#endif
