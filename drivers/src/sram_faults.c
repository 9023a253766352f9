/* SRAM-space fault lists to fault-port writes (sram_faults.h). */
#include "sram_faults.h"

#include <stdio.h>
#include <stdlib.h>

#include "ftsa/hw_regs.h"

uint32_t ftsa_hw_mem_width(const ftsa_hw_cfg_t *hw, uint32_t mem)
{
    switch (mem) {
    case FTSA_HW_MEM_ACC: return 32 * hw->array_n;
    case FTSA_HW_MEM_PAR: return 96;
    case FTSA_HW_MEM_WGT:
    case FTSA_HW_MEM_ACT0:
    case FTSA_HW_MEM_ACT1:
    case FTSA_HW_MEM_THR: return 8 * hw->array_n;
    default: return 0;
    }
}

/* Physical memory and word of a fault's (memory, index). */
static ftsa_status_t locate(const ftsa_fault_t *f, const char *i, const ftsa_hw_cfg_t *hw,
                            uint32_t *mem, uint32_t *addr, ftsa_err_t *err)
{
    uint32_t depth;
    *addr = f->index;
    switch (f->target) {
    case FTSA_MEM_WEIGHT: *mem = FTSA_HW_MEM_WGT, depth = hw->wgt_depth; break;
    case FTSA_MEM_ACT:
        depth = hw->act_depth;
        *mem = f->index < depth ? FTSA_HW_MEM_ACT0 : FTSA_HW_MEM_ACT1;
        if (f->index >= depth)
            *addr = f->index - depth;
        break;
    case FTSA_MEM_ACC: *mem = FTSA_HW_MEM_ACC, depth = hw->acc_depth; break;
    case FTSA_MEM_PARAM: *mem = FTSA_HW_MEM_PAR, depth = hw->par_depth; break;
    case FTSA_MEM_THR: *mem = FTSA_HW_MEM_THR, depth = hw->thr_depth; break;
    default: return ftsa_fail(err, FTSA_E_INVALID, "%s: unknown memory %u", i, f->target);
    }
    if (*addr >= depth)
        return ftsa_fail(err, FTSA_E_INVALID, "%s: word %u outside %s (%u words)", i,
                         f->index, ftsa_mem_name((ftsa_mem_t)f->target),
                         f->target == FTSA_MEM_ACT ? 2 * depth : depth);
    uint32_t width = ftsa_hw_mem_width(hw, *mem);
    if (f->bit >= width)
        return ftsa_fail(err, FTSA_E_INVALID, "%s: bit %u outside %s's %u-bit words", i,
                         f->bit, ftsa_mem_name((ftsa_mem_t)f->target), width);
    return FTSA_OK;
}

/* The entry of permanent faults of kind on (mem, addr), appended when new. */
static ftsa_port_fault_t *entry(ftsa_port_fault_t *v, uint32_t *n, uint32_t mem, uint32_t addr,
                                uint32_t kind)
{
    for (uint32_t i = 0; i < *n; i++)
        if (v[i].kind == kind && kind < FTSA_FAULT_SEU && v[i].mem == mem && v[i].addr == addr)
            return &v[i];
    ftsa_port_fault_t *e = &v[(*n)++];
    *e = (ftsa_port_fault_t){.mem = mem, .addr = addr, .kind = kind};
    return e;
}

ftsa_status_t ftsa_port_faults(const ftsa_fault_list_t *list, const ftsa_hw_cfg_t *hw,
                               ftsa_port_fault_t **out, uint32_t *n, ftsa_err_t *err)
{
    *out = NULL;
    *n = 0;
    if (!list || !list->n)
        return FTSA_OK;
    ftsa_port_fault_t *v = malloc((size_t)list->n * sizeof *v);
    if (!v)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    uint32_t count = 0;
    for (uint32_t i = 0; i < list->n; i++) {
        const ftsa_fault_t *f = &list->v[i];
        uint32_t mem, addr;
        char id[32]; /* where the fault came from: its file line, else its place in the list */
        if (f->line)
            snprintf(id, sizeof id, "line %u", f->line);
        else
            snprintf(id, sizeof id, "fault %u", i);
        if (f->space != FTSA_SPACE_SRAM)
            continue;
        ftsa_status_t st = locate(f, id, hw, &mem, &addr, err);
        if (st) {
            free(v);
            return st;
        }
        if (f->kind == FTSA_FAULT_READ_DISTURB) {
            v[count++] = (ftsa_port_fault_t){.mem = mem, .addr = addr, .kind = f->kind,
                                             .bit = f->bit, .prob = f->prob};
            continue;
        }
        /* ftsa_fault_kind_t and the port share 0 sa0, 1 sa1, 2 flip, 3 upset. */
        ftsa_port_fault_t *e = entry(v, &count, mem, addr, (uint32_t)f->kind);
        e->cycle = f->cycle;
        e->mask[f->bit / 32] ^= 1u << (f->bit % 32);
        if (f->kind != FTSA_FAULT_FLIP) /* stuck bits listed twice stay stuck */
            e->mask[f->bit / 32] |= 1u << (f->bit % 32);
    }
    if (!count) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n = count;
    return FTSA_OK;
}
