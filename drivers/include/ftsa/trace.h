/* SRAM access traces: every read and write of every accelerator SRAM, with
 * its cycle, as the RTL (sim/) and the cycle-accurate C model (hwmodel.h)
 * produce them.  Two back ends that agree on a trace agree on when every SRAM
 * word is read and written, which is what makes a timed fault land the same
 * way on both.  File format: docs/formats.md ("Access traces").
 *
 * Cycles count from the first command fetch of a run (the cycle after the
 * START write).  Memories are the hardware ids FTSA_HW_MEM_* (ACT0 and ACT1
 * apart).  Within one cycle, accesses are kept in canonical order (memory,
 * then read before write, then address) so traces compare byte for byte. */
#ifndef FTSA_TRACE_H
#define FTSA_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/error.h"

typedef struct {
    uint64_t cycle;
    uint8_t mem; /* FTSA_HW_MEM_* */
    uint8_t we;  /* 0 read, 1 write */
    uint16_t addr;
} ftsa_access_t;

/* A command the controller started executing, for readable differences. */
typedef struct {
    uint64_t cycle; /* cycle of the command's execute state */
    uint32_t index; /* command number in the stream, from 0 */
    uint32_t word0, word1;
} ftsa_trace_mark_t;

typedef struct {
    uint32_t array_n;
    ftsa_access_t *v;
    size_t n, cap;
    ftsa_trace_mark_t *marks; /* optional (the C model writes them) */
    size_t n_marks, marks_cap;
    int oom; /* an append failed; reported by ftsa_trace_finish */
} ftsa_trace_t;

void ftsa_trace_init(ftsa_trace_t *t, uint32_t array_n);
void ftsa_trace_free(ftsa_trace_t *t);
/* Drop all entries, keep the allocation (one trace per run). */
void ftsa_trace_clear(ftsa_trace_t *t);
void ftsa_trace_add(ftsa_trace_t *t, uint64_t cycle, uint32_t mem, int we, uint32_t addr);
void ftsa_trace_mark(ftsa_trace_t *t, uint64_t cycle, uint32_t index, uint32_t word0,
                     uint32_t word1);
/* Put accesses in canonical order (stable on cycle); FTSA_E_NOMEM if an append failed. */
ftsa_status_t ftsa_trace_finish(ftsa_trace_t *t, ftsa_err_t *err);

/* zlib-compressed binary file, CRC-checked.  Save needs a finished trace
 * (FTSA_E_INVALID otherwise); load rejects any malformed file with
 * FTSA_E_FORMAT and a message naming it, leaving t empty. */
ftsa_status_t ftsa_trace_save(const ftsa_trace_t *t, const char *path, ftsa_err_t *err);
ftsa_status_t ftsa_trace_load(const char *path, ftsa_trace_t *t, ftsa_err_t *err);
/* The same from a file's bytes buf[0..len). */
ftsa_status_t ftsa_trace_decode(const uint8_t *buf, size_t len, ftsa_trace_t *t, ftsa_err_t *err);

/* Compare two finished traces.  Returns 1 and writes a sentence naming the
 * first difference (cycle, memory, read/write, address, and the command
 * running then from either trace's marks, decoded as layer/pass/tile where
 * it can be) to msg; 0 when identical. */
int ftsa_trace_diff(const ftsa_trace_t *a, const ftsa_trace_t *b, char *msg, size_t msg_len);

/* Hardware memory name ("WGT", "ACT0", "ACT1", "ACC", "PAR", "THR"; "?" otherwise). */
const char *ftsa_trace_mem_name(uint32_t mem);
/* A command word pair in words ("PASS ky=1 kx=0 ctile=0 first octile=2 weights at 40"). */
void ftsa_trace_describe_cmd(uint32_t word0, uint32_t word1, char *buf, size_t len);

#endif
