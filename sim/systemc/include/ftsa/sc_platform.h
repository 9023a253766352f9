/* Thin C ABI over the SystemC platform (sim/systemc, docs/systemc.md): memory,
 * a bus, the Verilated ftsa_top behind TLM-2.0 sockets (ftsa::Accel) and a
 * host initiator.  Every call here runs on that host: memory and CSR accesses
 * are TLM transactions through its socket, and simulated time advances only
 * inside the calls.
 *
 * SystemC has one simulation kernel per process, so there is one platform per
 * process and one holder at a time: ftsa_sc_open builds the default platform
 * (ftsa::Platform) on first use, unless a C++ sc_main attached its own with
 * ftsa::attach_platform (sc_platform_attach.h). */
#ifndef FTSA_SC_PLATFORM_H
#define FTSA_SC_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/sim.h" /* ftsa_sim_fault_kind_t: the fault port's encoding */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ftsa_sc ftsa_sc_t;

/* Array sides this build has Verilated for SystemC (8). */
int ftsa_sc_has_array(uint32_t array_n);

/* Take the process's platform: the accelerator is reset, fault masks set
 * through this ABI are cleared and pending upsets dropped (memory keeps its
 * contents).  FTSA_E_BACKEND if it is already held. */
ftsa_status_t ftsa_sc_open(ftsa_sc_t **sc, ftsa_err_t *err);
void ftsa_sc_close(ftsa_sc_t *sc);

/* Size of the platform's memory in bytes (from address 0). */
size_t ftsa_sc_mem_bytes(const ftsa_sc_t *sc);
/* Copy bytes to / from memory at addr through the host's socket. */
ftsa_status_t ftsa_sc_mem_write(ftsa_sc_t *sc, uint64_t addr, const void *src, size_t bytes,
                                ftsa_err_t *err);
ftsa_status_t ftsa_sc_mem_read(ftsa_sc_t *sc, uint64_t addr, void *dst, size_t bytes,
                               ftsa_err_t *err);

/* CSR access (byte offsets FTSA_HW_CSR_*), one clock cycle each. */
uint32_t ftsa_sc_csr_read(ftsa_sc_t *sc, uint32_t addr);
void ftsa_sc_csr_write(ftsa_sc_t *sc, uint32_t addr, uint32_t value);

/* Start the command stream at cmdq_addr and wait for the interrupt, at most
 * max_cycles.  FTSA_E_BACKEND on timeout, STATUS.ERROR, or host-bus error
 * responses to the accelerator. */
ftsa_status_t ftsa_sc_run(ftsa_sc_t *sc, uint32_t cmdq_addr, uint64_t max_cycles,
                          ftsa_err_t *err);
/* Accelerator clock cycles since the platform was built. */
uint64_t ftsa_sc_cycle(const ftsa_sc_t *sc);

/* Fault ports, as ftsa_sim_fault_set / ftsa_sim_fault_upset_at (sim.h):
 * mask holds ceil(width / 32) words of memory mem's word width. */
uint32_t ftsa_sc_mem_width(uint32_t mem);
ftsa_status_t ftsa_sc_fault_set(ftsa_sc_t *sc, uint32_t mem, ftsa_sim_fault_kind_t kind,
                                uint32_t addr, const uint32_t *mask, ftsa_err_t *err);
ftsa_status_t ftsa_sc_fault_upset_at(ftsa_sc_t *sc, uint32_t mem, uint64_t cycle, uint32_t addr,
                                     const uint32_t *mask, ftsa_err_t *err);
/* An upset of word addr at the end of run cycle `cycle` of every following
 * run (run cycle 0: the cycle after the one whose edge takes START, as
 * ftsa_sim_fault_upset_run). */
ftsa_status_t ftsa_sc_fault_upset_run(ftsa_sc_t *sc, uint32_t mem, uint64_t cycle, uint32_t addr,
                                      const uint32_t *mask, ftsa_err_t *err);
/* Clear every mask set through ftsa_sc_fault_set and drop every upset. */
ftsa_status_t ftsa_sc_fault_clear(ftsa_sc_t *sc, ftsa_err_t *err);

#ifdef __cplusplus
}
#endif

#endif
