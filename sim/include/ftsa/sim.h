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
#include "ftsa/trace.h"

typedef struct ftsa_sim ftsa_sim_t;

/* Array sides this build has Verilated. */
int ftsa_sim_has_array(uint32_t array_n);

/* Create a simulator with host_bytes of zeroed host memory, reset applied.
 * trace_path: waveform to write, or NULL; its extension picks the format
 * (.vcd or .fst; anything else is FTSA_E_INVALID), and a file that cannot be
 * created is FTSA_E_IO. */
ftsa_status_t ftsa_sim_create(uint32_t array_n, size_t host_bytes, const char *trace_path,
                              ftsa_sim_t **sim, ftsa_err_t *err);
void ftsa_sim_destroy(ftsa_sim_t *sim);
/* Finish the waveform (a VCD is converted from FST here) and report whether
 * it was written; destroy does it too but cannot report. */
ftsa_status_t ftsa_sim_trace_close(ftsa_sim_t *sim, ftsa_err_t *err);

/* The build Verilated with --x-initial unique --x-assign unique (N = 16 only):
 * every register and SRAM word without a reset or initial value starts from a
 * value drawn from seed > 0 (the runtime flags +verilator+seed+SEED
 * +verilator+rand+reset+2), as a 4-state simulator would leave X.  No trace. */
int ftsa_sim_has_xrand(uint32_t array_n);
ftsa_status_t ftsa_sim_create_xrand(uint32_t array_n, size_t host_bytes, uint64_t seed,
                                    ftsa_sim_t **sim, ftsa_err_t *err);

/* Host-memory model on the bus (docs/host-interface.md).  Default zero-wait:
 * every request taken in its cycle (hreq_ready_i high), read data in the next.
 * With stalls, per cycle hreq_ready_i is low with probability p_busy, and a
 * read's data comes 1..max_late cycles later than that with probability
 * p_late, in order; all drawn from seed.  NULL: back to zero-wait.  Outputs
 * are unchanged; RUN_CYCLES grows by what CSR STALL_CYCLES counts. */
typedef struct {
    uint64_t seed;
    double p_busy, p_late;
    uint32_t max_late;
} ftsa_sim_bus_t;
ftsa_status_t ftsa_sim_set_bus(ftsa_sim_t *sim, const ftsa_sim_bus_t *bus, ftsa_err_t *err);

/* Hold reset for two cycles (SRAM contents and fault masks are kept). */
void ftsa_sim_reset(ftsa_sim_t *sim);
/* Advance the clock by cycles. */
void ftsa_sim_step(ftsa_sim_t *sim, uint64_t cycles);
/* Write CSR_CTRL.START and clock until the controller is idle again, at most
 * max_cycles.  FTSA_E_BACKEND on timeout, on STATUS.ERROR or a host-memory
 * access out of range. */
ftsa_status_t ftsa_sim_run(ftsa_sim_t *sim, uint32_t cmdq_addr, uint64_t max_cycles,
                           ftsa_err_t *err);
/* Cycles of the last ftsa_sim_run, from the cycle after the START write
 * (run cycle 0, the first command fetch) until the controller is idle. */
uint64_t ftsa_sim_run_cycles(const ftsa_sim_t *sim);
/* Record every SRAM access of the following runs (on != 0), or stop. */
void ftsa_sim_record(ftsa_sim_t *sim, int on);
/* Accesses of the last run, in simulation order (ftsa_trace_finish puts them
 * in canonical order); valid until the next run. */
const ftsa_access_t *ftsa_sim_accesses(const ftsa_sim_t *sim, size_t *n);
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

/* Faults tied to runs, as the fault list gives them (docs/faults.md):
 * an upset of word addr at the end of run cycle `cycle` of every following
 * run (upsets of one cycle must hit one word: the port takes one per cycle);
 * a read-disturb cell whose reads flip bit `bit` with probability p, drawn by
 * ftsa_fault_rd_draw(seed, ...). */
ftsa_status_t ftsa_sim_fault_upset_run(ftsa_sim_t *sim, uint32_t mem, uint64_t cycle,
                                       uint32_t addr, const uint32_t *mask, ftsa_err_t *err);
ftsa_status_t ftsa_sim_fault_rd(ftsa_sim_t *sim, uint32_t mem, uint32_t addr, uint32_t bit,
                                double p, uint64_t seed, ftsa_err_t *err);
/* Remove every mask set with ftsa_sim_fault_set (one clock cycle per mask)
 * and every run upset and read-disturb cell. */
void ftsa_sim_faults_clear(ftsa_sim_t *sim);

#ifdef __cplusplus
}
#endif

#endif
