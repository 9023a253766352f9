/* Cycle-accurate C model of ftsa_top (rtl/): it executes the same command
 * stream from the same host-memory image as the RTL and reproduces its SRAM
 * contents, its cycle count and the order and cycle of every SRAM access
 * (docs/hardware.md, "Cycle-accurate C model").  Timing is computed per
 * command in closed form, data per pass in bulk, so it runs far faster than
 * the RTL; every SRAM access still goes through one function per memory,
 * where faults act and the access trace is taken.
 *
 * Faults use the RTL's fault-port semantics (ftsa/sim.h): per-word stuck-at-0,
 * stuck-at-1 and flip masks applied on every read, transient upsets that flip
 * stored bits at the end of a cycle (a write in the same cycle wins), and
 * read-disturb cells (ftsa_fault_rd_flips). */
#ifndef FTSA_HWMODEL_H
#define FTSA_HWMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/compile.h"
#include "ftsa/error.h"
#include "ftsa/trace.h"

typedef struct ftsa_hwm ftsa_hwm_t;

/* The hardware configuration of the RTL build (depths as ftsa_top's defaults). */
void ftsa_hwm_default_cfg(uint32_t array_n, ftsa_hw_cfg_t *hw);

ftsa_status_t ftsa_hwm_create(const ftsa_hw_cfg_t *hw, ftsa_hwm_t **m, ftsa_err_t *err);
void ftsa_hwm_destroy(ftsa_hwm_t *m);

/* Run the command stream at host byte address cmdq until END, reading and
 * writing host memory (host_bytes long) as the RTL's DMA does.  Cycle 0 is the
 * first command fetch.  FTSA_E_BACKEND on an unknown opcode or a host access
 * out of range, as the RTL simulator reports them. */
ftsa_status_t ftsa_hwm_run(ftsa_hwm_t *m, uint8_t *host, size_t host_bytes, uint32_t cmdq,
                           ftsa_err_t *err);
/* Cycles of the last run, as ftsa_sim_run counts them (START write excluded). */
uint64_t ftsa_hwm_run_cycles(const ftsa_hwm_t *m);
/* Value of the free-running cycle counter at cycle 0 of the next run (STAMP
 * writes it plus the run cycle); only differences of stamps are meaningful. */
void ftsa_hwm_set_clock(ftsa_hwm_t *m, uint64_t cycles_at_start);

/* Record every SRAM access (and every command as a mark) of the following
 * runs into t (cleared at each run start), or stop recording with NULL. */
void ftsa_hwm_set_trace(ftsa_hwm_t *m, ftsa_trace_t *t);

/* Faults (memories FTSA_HW_MEM_*; mask: ceil(width/32) words, least
 * significant first).  Masks replace the word's previous mask of that kind. */
typedef enum { FTSA_HWM_SA0 = 0, FTSA_HWM_SA1 = 1, FTSA_HWM_FLIP = 2 } ftsa_hwm_mask_t;
ftsa_status_t ftsa_hwm_fault_mask(ftsa_hwm_t *m, uint32_t mem, ftsa_hwm_mask_t kind, uint32_t addr,
                                  const uint32_t *mask, ftsa_err_t *err);
/* Flip stored bits of word addr at the end of run cycle `cycle` of every
 * following run (until ftsa_hwm_clear_faults). */
ftsa_status_t ftsa_hwm_fault_upset(ftsa_hwm_t *m, uint32_t mem, uint64_t cycle, uint32_t addr,
                                   const uint32_t *mask, ftsa_err_t *err);
/* Read disturb of one bit: each read returns it flipped with probability p,
 * drawn by ftsa_fault_rd_flips from seed. */
ftsa_status_t ftsa_hwm_fault_rd(ftsa_hwm_t *m, uint32_t mem, uint32_t addr, uint32_t bit, double p,
                                uint64_t seed, ftsa_err_t *err);
void ftsa_hwm_clear_faults(ftsa_hwm_t *m);

/* Word width in bits and depth in words of memory mem (0 if unknown). */
uint32_t ftsa_hwm_mem_width(const ftsa_hwm_t *m, uint32_t mem);
uint32_t ftsa_hwm_mem_depth(const ftsa_hwm_t *m, uint32_t mem);

#endif
