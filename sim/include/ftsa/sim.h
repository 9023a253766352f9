/* Thin C ABI over the Verilated ftsa_top (sim/src/ftsa_sim.cpp).
 *
 * A simulator owns one RTL instance (N = 8 or 16), a byte-addressed host memory
 * that the accelerator's DMA and command fetch read and write, and an optional
 * FST waveform.  The clock advances only inside step/run/csr_write/fault_set. */
#ifndef FTSA_SIM_H
#define FTSA_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" { /* error.h is a C header without its own guard */
#endif

#include "ftsa/error.h"

typedef struct ftsa_sim ftsa_sim_t;

/* Array sides this build has Verilated. */
int ftsa_sim_has_array(uint32_t array_n);

/* Create a simulator with host_bytes of zeroed host memory, reset applied.
 * trace_path: FST file to write, or NULL. */
ftsa_status_t ftsa_sim_create(uint32_t array_n, size_t host_bytes, const char *trace_path,
                              ftsa_sim_t **sim, ftsa_err_t *err);
void ftsa_sim_destroy(ftsa_sim_t *sim);

/* Hold reset for two cycles (SRAM contents and fault masks are kept). */
void ftsa_sim_reset(ftsa_sim_t *sim);
/* Advance the clock by cycles. */
void ftsa_sim_step(ftsa_sim_t *sim, uint64_t cycles);
/* Write CSR_CTRL.START and clock until the controller is idle again, at most
 * max_cycles.  FTSA_E_BACKEND on timeout, on STATUS.ERROR or a host-memory
 * access out of range. */
ftsa_status_t ftsa_sim_run(ftsa_sim_t *sim, uint32_t cmdq_addr, uint64_t max_cycles,
                           ftsa_err_t *err);
/* Cycles since creation. */
uint64_t ftsa_sim_cycle(const ftsa_sim_t *sim);

/* CSR access (byte offsets FTSA_HW_CSR_*).  A write takes one clock cycle. */
uint32_t ftsa_sim_csr_read(ftsa_sim_t *sim, uint32_t addr);
void ftsa_sim_csr_write(ftsa_sim_t *sim, uint32_t addr, uint32_t value);

/* Host memory owned by the simulator. */
uint8_t *ftsa_sim_host(ftsa_sim_t *sim, size_t *bytes);

/* Fault ports (FTSA_HW_MEM_* memories).  Kinds as the SRAM port: */
typedef enum {
    FTSA_SIM_FAULT_SA0 = 0,  /* bits set in mask read as 0 */
    FTSA_SIM_FAULT_SA1 = 1,  /* bits set in mask read as 1 */
    FTSA_SIM_FAULT_FLIP = 2, /* bits set in mask read inverted */
    FTSA_SIM_FAULT_UPSET = 3 /* stored bits set in mask flip once */
} ftsa_sim_fault_kind_t;

/* Word width in bits and depth in words of memory mem. */
uint32_t ftsa_sim_mem_width(const ftsa_sim_t *sim, uint32_t mem);
uint32_t ftsa_sim_mem_depth(const ftsa_sim_t *sim, uint32_t mem);
/* Set word addr's mask of kind (SA0/SA1/FLIP replace the previous mask; UPSET
 * flips now).  mask holds ceil(width/32) words, least significant first.
 * Takes one clock cycle. */
ftsa_status_t ftsa_sim_fault_set(ftsa_sim_t *sim, uint32_t mem, ftsa_sim_fault_kind_t kind,
                                 uint32_t addr, const uint32_t *mask, ftsa_err_t *err);
/* Schedule a transient upset of word addr at absolute cycle `cycle` (applied
 * at the clock edge that ends that cycle, before a write in the same cycle). */
ftsa_status_t ftsa_sim_fault_upset_at(ftsa_sim_t *sim, uint32_t mem, uint64_t cycle,
                                      uint32_t addr, const uint32_t *mask, ftsa_err_t *err);

#ifdef __cplusplus
}
#endif

#endif
