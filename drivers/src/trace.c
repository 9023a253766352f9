/* SRAM access traces: recording, canonical order, the .trc file, differences. */
#include "ftsa/trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ftsa/fileio.h"
#include "ftsa/hw_regs.h"

#define TRC_MAGIC "FTRC"
#define TRC_VERSION 1u
#define TRC_HEADER_LEN 48u
/* A file holds at most this much payload: far beyond any run we simulate, and
 * small enough that a corrupt header cannot make the loader allocate absurdly. */
#define TRC_MAX_PAYLOAD (1ull << 30)
#define TRC_MAX_FILE (TRC_MAX_PAYLOAD + (TRC_MAX_PAYLOAD >> 8) + 4096u)
/* Most accesses and command marks a file may hold: 1 GiB and 96 MiB in
 * memory (16 and 24 bytes each), so a small, highly compressed file cannot
 * make the loader take more (docs/formats.md). */
#define TRC_MAX_ACCESSES (1ull << 26)
#define TRC_MAX_MARKS (1ull << 22)
/* Smallest encoding of one access (two one-byte varints) and one mark. */
#define TRC_MIN_ACCESS 2u
#define TRC_MIN_MARK 10u
#define TRC_N_MEMS (FTSA_HW_MEM_THR + 1u)

/* ---- recording ----------------------------------------------------------- */

void ftsa_trace_init(ftsa_trace_t *t, uint32_t array_n)
{
    memset(t, 0, sizeof *t);
    t->array_n = array_n;
}

void ftsa_trace_free(ftsa_trace_t *t)
{
    free(t->v);
    free(t->marks);
    ftsa_trace_init(t, t->array_n);
}

void ftsa_trace_clear(ftsa_trace_t *t)
{
    t->n = 0;
    t->n_marks = 0;
    t->oom = 0;
}

/* Make room for one more element of size elem in *buf (n used, *cap allocated). */
static int grow(void **buf, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t want = *cap ? *cap * 2 : 1024;
    if (want > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*buf, want * elem);
    if (!p)
        return -1;
    *buf = p;
    *cap = want;
    return 0;
}

void ftsa_trace_add(ftsa_trace_t *t, uint64_t cycle, uint32_t mem, int we, uint32_t addr)
{
    if (t->oom || grow((void **)&t->v, t->n, &t->cap, sizeof *t->v)) {
        t->oom = 1;
        return;
    }
    t->v[t->n++] = (ftsa_access_t){cycle, (uint8_t)mem, (uint8_t)(we != 0), (uint16_t)addr};
}

void ftsa_trace_mark(ftsa_trace_t *t, uint64_t cycle, uint32_t index, uint32_t word0,
                     uint32_t word1)
{
    if (t->oom || grow((void **)&t->marks, t->n_marks, &t->marks_cap, sizeof *t->marks)) {
        t->oom = 1;
        return;
    }
    t->marks[t->n_marks++] = (ftsa_trace_mark_t){cycle, index, word0, word1};
}

/* ---- canonical order ----------------------------------------------------- */

static int access_cmp(const void *pa, const void *pb)
{
    const ftsa_access_t *a = pa, *b = pb;
    if (a->cycle != b->cycle)
        return a->cycle < b->cycle ? -1 : 1;
    if (a->mem != b->mem)
        return a->mem < b->mem ? -1 : 1;
    if (a->we != b->we)
        return a->we < b->we ? -1 : 1;
    return (a->addr > b->addr) - (a->addr < b->addr);
}

static int mark_cmp(const void *pa, const void *pb)
{
    const ftsa_trace_mark_t *a = pa, *b = pb;
    if (a->cycle != b->cycle)
        return a->cycle < b->cycle ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* End of the ascending run that starts at i. */
static size_t run_end(const uint8_t *v, size_t i, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
    while (i + 1 < n && cmp(v + i * size, v + (i + 1) * size) <= 0)
        i++;
    return i + 1;
}

/* Natural merge sort, stable: a nearly sorted array is a few long runs, so it
 * costs a scan and a few linear merges; an already sorted one costs one scan
 * and no allocation. */
static int sort_runs(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    uint8_t *v = base;
    if (n < 2 || run_end(v, 0, n, size, cmp) == n)
        return 0;
    uint8_t *tmp = malloc(n * size);
    if (!tmp)
        return -1;
    for (;;) {
        size_t i = 0, out = 0, runs = 0;
        while (i < n) {
            size_t mid = run_end(v, i, n, size, cmp);
            size_t end = mid < n ? run_end(v, mid, n, size, cmp) : n;
            size_t a = i, b = mid;
            while (a < mid && b < end) {
                /* Ties take the left run first: stable. */
                size_t from = cmp(v + b * size, v + a * size) < 0 ? b++ : a++;
                memcpy(tmp + out++ * size, v + from * size, size);
            }
            memcpy(tmp + out * size, v + a * size, (mid - a) * size);
            out += mid - a;
            memcpy(tmp + out * size, v + b * size, (end - b) * size);
            out += end - b;
            i = end;
            runs++;
        }
        memcpy(v, tmp, n * size);
        if (runs == 1)
            break;
    }
    free(tmp);
    return 0;
}

ftsa_status_t ftsa_trace_finish(ftsa_trace_t *t, ftsa_err_t *err)
{
    if (t->oom)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory recording the access trace (%zu "
                         "accesses, %zu commands kept)", t->n, t->n_marks);
    if (sort_runs(t->v, t->n, sizeof *t->v, access_cmp) ||
        sort_runs(t->marks, t->n_marks, sizeof *t->marks, mark_cmp))
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory sorting the access trace");
    return FTSA_OK;
}

/* ---- file: varint payload ------------------------------------------------ */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    int oom;
} trc_out_t;

/* Room for need bytes in total; sets oom on failure. */
static int reserve(trc_out_t *o, size_t need)
{
    while (!o->oom && o->cap < need)
        if (grow((void **)&o->buf, o->cap, &o->cap, 1))
            o->oom = 1;
    return o->oom;
}

static void out_bytes(trc_out_t *o, const uint8_t *b, size_t n)
{
    if (reserve(o, o->len + n))
        return;
    memcpy(o->buf + o->len, b, n);
    o->len += n;
}

static void out_varint(trc_out_t *o, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        b[n++] |= v ? 0x80 : 0;
    } while (v);
    out_bytes(o, b, n);
}

static void out_le(trc_out_t *o, uint64_t v, size_t n)
{
    uint8_t b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    out_bytes(o, b, n);
}

static uint64_t get_le(const uint8_t *b, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* mem in bits 2:0, we in bit 3, address above. */
static uint64_t pack_access(const ftsa_access_t *a)
{
    return (uint64_t)a->addr << 4 | (uint64_t)a->we << 3 | a->mem;
}

static int is_canonical(const ftsa_trace_t *t)
{
    for (size_t i = 1; i < t->n; i++)
        if (access_cmp(&t->v[i - 1], &t->v[i]) > 0)
            return 0;
    for (size_t i = 1; i < t->n_marks; i++)
        if (mark_cmp(&t->marks[i - 1], &t->marks[i]) > 0)
            return 0;
    return 1;
}

static void encode_payload(const ftsa_trace_t *t, trc_out_t *o)
{
    uint64_t prev = 0;
    for (size_t i = 0; i < t->n; i++) {
        out_varint(o, t->v[i].cycle - prev);
        out_varint(o, pack_access(&t->v[i]));
        prev = t->v[i].cycle;
    }
    prev = 0;
    for (size_t i = 0; i < t->n_marks; i++) {
        const ftsa_trace_mark_t *m = &t->marks[i];
        out_varint(o, m->cycle - prev);
        out_varint(o, m->index);
        out_le(o, m->word0, 4);
        out_le(o, m->word1, 4);
        prev = m->cycle;
    }
}

/* CRC-32 of the header up to the CRC field, then of the payload: a flipped
 * byte anywhere in the file is caught. */
static uint32_t trc_crc(const uint8_t *header, const uint8_t *payload, uint64_t len)
{
    uLong crc = crc32(0L, header, TRC_HEADER_LEN - 4);
    /* crc32() with a NULL buffer returns the initial value, not crc: skip it. */
    return len ? (uint32_t)crc32(crc, payload, (uInt)len) : (uint32_t)crc;
}

ftsa_status_t ftsa_trace_save(const ftsa_trace_t *t, const char *path, ftsa_err_t *err)
{
    if (!is_canonical(t))
        return ftsa_fail(err, FTSA_E_INVALID, "%s: trace not in canonical order (call "
                         "ftsa_trace_finish before saving)", path);
    trc_out_t p = {0};
    encode_payload(t, &p);
    if (p.oom || p.len > TRC_MAX_PAYLOAD || t->n > TRC_MAX_ACCESSES || t->n_marks > TRC_MAX_MARKS) {
        free(p.buf);
        return ftsa_fail(err, FTSA_E_NOMEM, "%s: trace too large to save (%zu accesses)", path,
                         t->n);
    }
    uLongf clen = compressBound((uLong)p.len);
    trc_out_t f = {0};
    ftsa_status_t st = FTSA_OK;
    if (reserve(&f, TRC_HEADER_LEN + clen))
        st = ftsa_fail(err, FTSA_E_NOMEM, "%s: out of memory saving the trace", path);
    else if (compress2(f.buf + TRC_HEADER_LEN, &clen, p.buf, (uLong)p.len, Z_BEST_SPEED) != Z_OK)
        st = ftsa_fail(err, FTSA_E_NOMEM, "%s: zlib could not compress the trace", path);
    if (!st) {
        out_bytes(&f, (const uint8_t *)TRC_MAGIC, 4);
        out_le(&f, TRC_VERSION, 2);
        out_le(&f, 0, 2); /* flags */
        out_le(&f, t->array_n, 4);
        out_le(&f, t->n, 8);
        out_le(&f, t->n_marks, 8);
        out_le(&f, p.len, 8);
        out_le(&f, clen, 8);
        out_le(&f, trc_crc(f.buf, p.buf, p.len), 4);
        st = ftsa_write_file_atomic(path, f.buf, TRC_HEADER_LEN + clen, err);
    }
    free(p.buf);
    free(f.buf);
    return st;
}

/* ---- file: bounds-checked decoding --------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t len, off;
} trc_in_t;

static int in_varint(trc_in_t *r, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->off >= r->len)
            return -1;
        uint8_t b = r->p[r->off++];
        if (shift == 63 && b > 1)
            return -1; /* more than 64 bits */
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

static ftsa_status_t decode_accesses(trc_in_t *r, ftsa_trace_t *t, ftsa_err_t *err)
{
    uint64_t cycle = 0;
    for (size_t i = 0; i < t->n; i++) {
        uint64_t d, packed;
        if (in_varint(r, &d) || in_varint(r, &packed))
            return ftsa_fail(err, FTSA_E_FORMAT, "access %zu of %zu is truncated or malformed "
                             "(payload byte %zu)", i, t->n, r->off);
        if (d > UINT64_MAX - cycle)
            return ftsa_fail(err, FTSA_E_FORMAT, "access %zu: cycle overflows 64 bits", i);
        cycle += d;
        uint32_t mem = (uint32_t)(packed & 7);
        if (mem >= TRC_N_MEMS || packed >> 20)
            return ftsa_fail(err, FTSA_E_FORMAT, "access %zu: memory %u / address %" PRIu64
                             " out of range", i, mem, packed >> 4);
        t->v[i] = (ftsa_access_t){cycle, (uint8_t)mem, (uint8_t)(packed >> 3 & 1),
                                  (uint16_t)(packed >> 4)};
        if (i && access_cmp(&t->v[i - 1], &t->v[i]) > 0)
            return ftsa_fail(err, FTSA_E_FORMAT, "access %zu is out of canonical order", i);
    }
    return FTSA_OK;
}

static ftsa_status_t decode_marks(trc_in_t *r, ftsa_trace_t *t, ftsa_err_t *err)
{
    uint64_t cycle = 0;
    for (size_t i = 0; i < t->n_marks; i++) {
        uint64_t d, index;
        if (in_varint(r, &d) || in_varint(r, &index) || r->len - r->off < 8)
            return ftsa_fail(err, FTSA_E_FORMAT, "command mark %zu of %zu is truncated or "
                             "malformed (payload byte %zu)", i, t->n_marks, r->off);
        if (d > UINT64_MAX - cycle || index > UINT32_MAX)
            return ftsa_fail(err, FTSA_E_FORMAT, "command mark %zu: cycle or index out of range",
                             i);
        cycle += d;
        t->marks[i] = (ftsa_trace_mark_t){cycle, (uint32_t)index,
                                          (uint32_t)get_le(r->p + r->off, 4),
                                          (uint32_t)get_le(r->p + r->off + 4, 4)};
        r->off += 8;
        if (i && mark_cmp(&t->marks[i - 1], &t->marks[i]) > 0)
            return ftsa_fail(err, FTSA_E_FORMAT, "command mark %zu is out of order", i);
    }
    return FTSA_OK;
}

/* Header fields, checked against each other and the file length before
 * anything is allocated. */
typedef struct {
    uint32_t array_n;
    uint64_t n, n_marks, ulen, clen;
    uint32_t crc;
} trc_header_t;

static ftsa_status_t check_header(const uint8_t *buf, size_t len, trc_header_t *h,
                                  ftsa_err_t *err)
{
    if (len < TRC_HEADER_LEN)
        return ftsa_fail(err, FTSA_E_FORMAT, "truncated: %zu bytes, the header alone needs %u",
                         len, TRC_HEADER_LEN);
    if (memcmp(buf, TRC_MAGIC, 4) != 0)
        return ftsa_fail(err, FTSA_E_FORMAT, "bad magic: not an ftsa access trace");
    uint32_t version = (uint32_t)get_le(buf + 4, 2), flags = (uint32_t)get_le(buf + 6, 2);
    if (version != TRC_VERSION)
        return ftsa_fail(err, FTSA_E_FORMAT, "unsupported version %u (this build reads %u)",
                         version, TRC_VERSION);
    if (flags)
        return ftsa_fail(err, FTSA_E_FORMAT, "unknown flags 0x%04x", flags);
    *h = (trc_header_t){(uint32_t)get_le(buf + 8, 4), get_le(buf + 12, 8), get_le(buf + 20, 8),
                        get_le(buf + 28, 8), get_le(buf + 36, 8), (uint32_t)get_le(buf + 44, 4)};
    if (h->array_n == 0 || h->array_n > 1024)
        return ftsa_fail(err, FTSA_E_FORMAT, "array side %u is absurd", h->array_n);
    if (h->ulen > TRC_MAX_PAYLOAD)
        return ftsa_fail(err, FTSA_E_FORMAT, "payload of %" PRIu64 " bytes is absurd (limit %llu)",
                         h->ulen, (unsigned long long)TRC_MAX_PAYLOAD);
    if (h->n > h->ulen / TRC_MIN_ACCESS || h->n_marks > h->ulen / TRC_MIN_MARK ||
        h->n * TRC_MIN_ACCESS + h->n_marks * TRC_MIN_MARK > h->ulen)
        return ftsa_fail(err, FTSA_E_FORMAT, "counts inconsistent: %" PRIu64 " accesses and %"
                         PRIu64 " commands cannot fit a %" PRIu64 "-byte payload", h->n,
                         h->n_marks, h->ulen);
    if (h->n > TRC_MAX_ACCESSES || h->n_marks > TRC_MAX_MARKS)
        return ftsa_fail(err, FTSA_E_FORMAT, "%" PRIu64 " accesses and %" PRIu64 " commands: over "
                         "the limits of %llu and %llu", h->n, h->n_marks,
                         (unsigned long long)TRC_MAX_ACCESSES, (unsigned long long)TRC_MAX_MARKS);
    if (h->clen > len - TRC_HEADER_LEN)
        return ftsa_fail(err, FTSA_E_FORMAT, "truncated: header announces %" PRIu64
                         " compressed bytes, file holds %zu", h->clen, len - TRC_HEADER_LEN);
    if (h->clen < len - TRC_HEADER_LEN)
        return ftsa_fail(err, FTSA_E_FORMAT, "%" PRIu64 " trailing bytes after the compressed "
                         "payload", (uint64_t)(len - TRC_HEADER_LEN) - h->clen);
    return FTSA_OK;
}

ftsa_status_t ftsa_trace_decode(const uint8_t *buf, size_t len, ftsa_trace_t *t, ftsa_err_t *err)
{
    ftsa_trace_init(t, 0);
    trc_header_t h = {0};
    ftsa_status_t st = check_header(buf, len, &h, err);
    if (st)
        return st;
    /* Inflated into a buffer that grows with the output, never past h.ulen,
     * and h.ulen is checked against the compressed size first. */
    uint8_t *payload;
    if ((st = ftsa_inflate_exact(buf + TRC_HEADER_LEN, (size_t)h.clen, (size_t)h.ulen, &payload,
                                 err)))
        return st;
    if (trc_crc(buf, payload, h.ulen) != h.crc)
        st = ftsa_fail(err, FTSA_E_FORMAT, "CRC mismatch: stored %08x, computed %08x", h.crc,
                       trc_crc(buf, payload, h.ulen));
    if (!st) {
        ftsa_trace_init(t, h.array_n);
        t->v = malloc((h.n ? h.n : 1) * sizeof *t->v);
        t->marks = malloc((h.n_marks ? h.n_marks : 1) * sizeof *t->marks);
        t->n = t->cap = h.n;
        t->n_marks = t->marks_cap = h.n_marks;
        trc_in_t r = {payload, h.ulen, 0};
        if (!t->v || !t->marks)
            st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %" PRIu64 " accesses", h.n);
        else if (!(st = decode_accesses(&r, t, err)) && !(st = decode_marks(&r, t, err)) &&
                 r.off != r.len)
            st = ftsa_fail(err, FTSA_E_FORMAT, "%zu unexpected bytes after the last command mark",
                           r.len - r.off);
        if (st)
            ftsa_trace_free(t);
    }
    free(payload);
    return st;
}

ftsa_status_t ftsa_trace_load(const char *path, ftsa_trace_t *t, ftsa_err_t *err)
{
    ftsa_trace_init(t, 0);
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, TRC_MAX_FILE, &buf, &len, err);
    if (st)
        return st;
    st = ftsa_trace_decode(buf, len, t, err);
    free(buf);
    if (st)
        ftsa_err_prefix(err, "%s: ", path);
    return st;
}

/* ---- readable differences ------------------------------------------------ */

const char *ftsa_trace_mem_name(uint32_t mem)
{
    static const char *const names[TRC_N_MEMS] = {"WGT", "ACT0", "ACT1", "ACC", "PAR", "THR"};
    return mem < TRC_N_MEMS ? names[mem] : "?";
}

static uint32_t field(uint32_t a, uint32_t lsb, uint32_t width)
{
    return a >> lsb & ((1u << width) - 1u);
}

void ftsa_trace_describe_cmd(uint32_t word0, uint32_t word1, char *buf, size_t len)
{
    static const char *const ops[] = {"END",     "SET",     "DMA_LOAD", "DMA_STORE", "PASS",
                                      "POSTCFG", "MAXPOOL", "AVGPOOL",  "STAMP",     "SYNC"};
    uint32_t op = word0 & 0xff, a = word0 >> 8;
    if (op >= sizeof ops / sizeof ops[0]) {
        snprintf(buf, len, "unknown opcode 0x%02x", op);
        return;
    }
    switch (op) {
    case FTSA_HW_OP_SET:
        snprintf(buf, len, "SET register %u = %u", field(a, FTSA_HW_FLD_REGIDX,
                 FTSA_HW_WID_REGIDX), word1);
        break;
    case FTSA_HW_OP_DMA_LOAD:
    case FTSA_HW_OP_DMA_STORE:
        snprintf(buf, len, "%s %s, %u words, host 0x%x", ops[op],
                 ftsa_trace_mem_name(field(a, FTSA_HW_FLD_MEM, FTSA_HW_WID_MEM)),
                 field(a, FTSA_HW_FLD_COUNT, FTSA_HW_WID_COUNT), word1);
        break;
    case FTSA_HW_OP_PASS:
        snprintf(buf, len, "PASS ky=%u kx=%u ctile=%u%s%s octile=%u weights at %u",
                 field(a, FTSA_HW_FLD_KY, FTSA_HW_WID_KY), field(a, FTSA_HW_FLD_KX, FTSA_HW_WID_KX),
                 field(a, FTSA_HW_FLD_CTILE, FTSA_HW_WID_CTILE),
                 field(a, FTSA_HW_FLD_FIRST, FTSA_HW_WID_FIRST) ? " first" : "",
                 field(a, FTSA_HW_FLD_LAST, FTSA_HW_WID_LAST) ? " last" : "", word1 >> 16,
                 word1 & 0xffff);
        break;
    case FTSA_HW_OP_POSTCFG:
        snprintf(buf, len, "POSTCFG octile=%u", a & 0xffff);
        break;
    case FTSA_HW_OP_STAMP:
        snprintf(buf, len, "STAMP to host 0x%x", word1);
        break;
    default:
        snprintf(buf, len, "%s", ops[op]);
    }
}

static void describe_access(const ftsa_access_t *e, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s address %u", e->we ? "writes" : "reads",
             ftsa_trace_mem_name(e->mem), e->addr);
}

/* Append printf-style text at *pos of msg (truncating silently at msg_len). */
static void append(char *msg, size_t msg_len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *msg, size_t msg_len, size_t *pos, const char *fmt, ...)
{
    if (*pos >= msg_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg + *pos, msg_len - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n;
}

/* The command running at cycle (the last mark at or before it) and its layer:
 * the compiler brackets every layer with two STAMPs, so an odd number of
 * STAMPs before a command places it inside layer count / 2. */
static void append_command(const ftsa_trace_t *t, uint64_t cycle, char *msg, size_t msg_len,
                           size_t *pos)
{
    size_t k = 0, stamps = 0;
    while (k < t->n_marks && t->marks[k].cycle <= cycle)
        k++;
    if (k == 0) {
        append(msg, msg_len, pos, "; no command had started yet");
        return;
    }
    const ftsa_trace_mark_t *m = &t->marks[k - 1];
    for (size_t i = 0; i + 1 < k; i++)
        stamps += (t->marks[i].word0 & 0xff) == FTSA_HW_OP_STAMP;
    char cmd[96];
    ftsa_trace_describe_cmd(m->word0, m->word1, cmd, sizeof cmd);
    append(msg, msg_len, pos, "; command #%u (%s, started at cycle %" PRIu64 ")", m->index, cmd,
           m->cycle);
    if ((m->word0 & 0xff) == FTSA_HW_OP_STAMP || stamps % 2)
        append(msg, msg_len, pos, " in layer %zu", stamps / 2);
    else if (stamps)
        append(msg, msg_len, pos, " after layer %zu (output store)", stamps / 2 - 1);
    else
        append(msg, msg_len, pos, " before layer 0 (setup or input load)");
}

int ftsa_trace_diff(const ftsa_trace_t *a, const ftsa_trace_t *b, char *msg, size_t msg_len)
{
    size_t i = 0, pos = 0;
    while (i < a->n && i < b->n && !access_cmp(&a->v[i], &b->v[i]))
        i++;
    if (msg_len)
        msg[0] = '\0';
    if (i == a->n && i == b->n)
        return 0;
    char da[64], db[64];
    uint64_t cycle;
    if (i == a->n || i == b->n) {
        const ftsa_trace_t *more = i == a->n ? b : a;
        cycle = more->v[i].cycle;
        describe_access(&more->v[i], db, sizeof db);
        append(msg, msg_len, &pos, "trace %c ends at entry %zu, trace %c continues at cycle %"
               PRIu64 ": %s (%zu more accesses)", more == a ? 'B' : 'A', i, more == a ? 'A' : 'B',
               cycle, db, more->n - i);
    } else {
        const ftsa_access_t *ea = &a->v[i], *eb = &b->v[i];
        describe_access(ea, da, sizeof da);
        describe_access(eb, db, sizeof db);
        cycle = ea->cycle < eb->cycle ? ea->cycle : eb->cycle;
        if (ea->cycle == eb->cycle && ea->mem == eb->mem && ea->we == eb->we)
            append(msg, msg_len, &pos, "cycle %" PRIu64 " (entry %zu): %s %s at address %u in "
                   "trace A, address %u in trace B", cycle, i, ftsa_trace_mem_name(ea->mem),
                   ea->we ? "write" : "read", ea->addr, eb->addr);
        else if (ea->cycle == eb->cycle)
            append(msg, msg_len, &pos, "cycle %" PRIu64 " (entry %zu): trace A %s, trace B %s",
                   cycle, i, da, db);
        else
            append(msg, msg_len, &pos, "cycle %" PRIu64 " (entry %zu): trace %c %s, trace %c "
                   "makes no more accesses in that cycle (its next access, at cycle %" PRIu64 ", %s)",
                   cycle, i, ea->cycle < eb->cycle ? 'A' : 'B', ea->cycle < eb->cycle ? da : db,
                   ea->cycle < eb->cycle ? 'B' : 'A', ea->cycle < eb->cycle ? eb->cycle : ea->cycle,
                   ea->cycle < eb->cycle ? db : da);
    }
    const ftsa_trace_t *marked = a->n_marks ? a : b;
    if (marked->n_marks)
        append_command(marked, cycle, msg, msg_len, &pos);
    return 1;
}
