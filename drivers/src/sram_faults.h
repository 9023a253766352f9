/* SRAM-space faults as the accelerator's fault port takes them (private to
 * drivers/; shared by the hardware back ends).  Faults of one kind on one word
 * merge into one mask (flips of one bit cancel); `act` words split into ACT0
 * and ACT1 at the activation depth (docs/hardware.md, fault ports). */
#ifndef FTSA_SRAM_FAULTS_H
#define FTSA_SRAM_FAULTS_H

#include "ftsa/compile.h"
#include "ftsa/faults.h"

typedef struct {
    uint32_t mem;   /* FTSA_HW_MEM_* */
    uint32_t addr;  /* word */
    uint32_t kind;  /* ftsa_fault_kind_t; 0..3 are also the port's encoding (ftsa_sim_fault_kind_t) */
    uint64_t cycle; /* upsets: the cycle of the run at whose end the bits flip */
    uint32_t bit;   /* read disturb: the cell's bit ... */
    double prob;    /* ... and its flip probability per read (seeded by the list's seed) */
    uint32_t mask[FTSA_FAULT_MAX_WORD_BITS / 32];
} ftsa_port_fault_t;

/* Word width in bits of memory FTSA_HW_MEM_* mem on hardware hw (0 if unknown). */
uint32_t ftsa_hw_mem_width(const ftsa_hw_cfg_t *hw, uint32_t mem);

/* The SRAM-space faults of list (tensor-space ones are skipped) as port
 * writes for hardware hw: *out is malloc'd (NULL when none).  Read-disturb
 * cells come out one per entry (kind FTSA_FAULT_READ_DISTURB; the simulator
 * applies them to each read, the port has no such kind); words and bits
 * outside the hardware's memories are FTSA_E_INVALID. */
ftsa_status_t ftsa_port_faults(const ftsa_fault_list_t *list, const ftsa_hw_cfg_t *hw,
                               ftsa_port_fault_t **out, uint32_t *n, ftsa_err_t *err);

#endif
