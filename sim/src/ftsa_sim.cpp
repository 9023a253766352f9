// Thin C++ shim: clocks a Verilated ftsa_top, models host memory on its bus
// (zero-wait: every request taken, read data one cycle later; or seeded random
// stalls), drives the CSR and fault ports, and writes a waveform on request.
// No behaviour of its own.
#include "ftsa/sim.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vftsa_top_n16.h"
#include "Vftsa_top_n8.h"
#include "Vftsa_top_xu16.h"
extern "C" { // C headers without their own guards
#include "ftsa/faults.h"
#include "ftsa/rng.h"
}
#include "ftsa/hw_regs.h"
#include "gtkwave/fstapi.h"
#include "svdpi.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace {

struct Upset {
    uint64_t cycle;
    uint32_t mem, addr;
    std::vector<uint32_t> mask;
};

struct Disturb {
    uint32_t mem, addr, bit;
    double p;
    uint64_t seed;
};

class Model {
public:
    virtual ~Model() {}
    virtual void eval_half(bool clk) = 0;
    virtual void set_reset(bool rst_n) = 0;
    virtual bool busy() = 0;
    virtual void bus_req(bool *valid, bool *we, uint32_t *addr, uint32_t *wdata) = 0;
    virtual void bus_rsp(bool ready, bool valid, uint32_t rdata) = 0;
    virtual uint32_t csr_read(uint32_t addr) = 0;
    virtual void csr_drive(bool we, uint32_t addr, uint32_t value) = 0;
    virtual void fault_drive(bool we, uint32_t mem, uint32_t kind, uint32_t addr,
                             const uint32_t *mask, uint32_t words) = 0;
    virtual bool trace_open(const char *path) = 0; // false: cannot write it
    virtual void trace_dump(uint64_t time) = 0;
    virtual void trace_close() = 0;
};

template <class V, uint32_t FltWords, bool Traced = true> class ModelOf : public Model {
public:
    // xseed != 0: the model was Verilated with --x-initial unique; draw every
    // register and memory word that has no reset or initial value from xseed.
    explicit ModelOf(uint64_t xseed = 0) : ctx_(new VerilatedContext)
    {
        if (xseed) {
            std::string seed = "+verilator+seed+" + std::to_string(xseed);
            const char *argv[] = {"ftsa_sim", seed.c_str(), "+verilator+rand+reset+2"};
            ctx_->commandArgs(3, argv);
        }
        top_.reset(new V(ctx_.get()));
    }
    ~ModelOf() override
    {
        trace_close();
        top_->final();
        fst_.reset();
        top_.reset();
        // Constructing the context made it the thread's current one: do not
        // leave that pointing at a deleted context (Verilator falls back to
        // its default context when it is null).
        if (Verilated::threadContextp() == ctx_.get())
            Verilated::threadContextp(nullptr);
    }
    void eval_half(bool clk) override
    {
        top_->clk_i = clk;
        top_->eval();
    }
    void set_reset(bool rst_n) override { top_->rst_ni = rst_n; }
    bool busy() override { return top_->busy_o; }
    void bus_req(bool *valid, bool *we, uint32_t *addr, uint32_t *wdata) override
    {
        *valid = top_->hreq_valid_o;
        *we = top_->hreq_we_o;
        *addr = top_->hreq_addr_o;
        *wdata = top_->hreq_wdata_o;
    }
    void bus_rsp(bool ready, bool valid, uint32_t rdata) override
    {
        top_->hreq_ready_i = ready;
        top_->hrsp_valid_i = valid;
        top_->hrsp_rdata_i = rdata;
    }
    uint32_t csr_read(uint32_t addr) override
    {
        top_->csr_addr_i = addr;
        top_->eval();
        return top_->csr_rdata_o;
    }
    void csr_drive(bool we, uint32_t addr, uint32_t value) override
    {
        top_->csr_we_i = we;
        top_->csr_addr_i = addr;
        top_->csr_wdata_i = value;
    }
    void fault_drive(bool we, uint32_t mem, uint32_t kind, uint32_t addr, const uint32_t *mask,
                     uint32_t words) override
    {
        top_->flt_we_i = we;
        top_->flt_mem_i = mem;
        top_->flt_kind_i = kind;
        top_->flt_addr_i = addr;
        for (uint32_t i = 0; i < FltWords; i++)
            top_->flt_data_i[i] = mask && i < words ? mask[i] : 0;
    }
    bool trace_open(const char *path) override
    {
        if constexpr (Traced) {
            ctx_->traceEverOn(true);
            fst_.reset(new VerilatedFstC);
            top_->trace(fst_.get(), 99);
            fst_->open(path);
            return fst_->isOpen();
        }
        return false;
    }
    void trace_dump(uint64_t time) override
    {
        if (fst_)
            fst_->dump(time);
    }
    void trace_close() override
    {
        if (fst_)
            fst_->close();
        fst_.reset();
    }

private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<V> top_;
    std::unique_ptr<VerilatedFstC> fst_;
};

} // namespace

struct Response {
    uint64_t due; // cycle in which hrsp_valid_i presents it
    uint32_t data;
};

struct ftsa_sim {
    std::unique_ptr<Model> model;
    uint32_t n = 0;
    std::vector<uint8_t> host;
    uint64_t cycle = 0;
    std::deque<Response> rsp; // reads taken, in order
    bool stalls = false;
    ftsa_sim_bus_t bus{};
    ftsa_rng_t bus_rng{};
    uint64_t bad_access = 0;
    uint32_t bad_addr = 0;
    std::vector<Upset> upsets;
    // Faults tied to runs: upsets at run cycles, read-disturb cells, and the
    // words whose masks were set (so they can be cleared).
    std::vector<Upset> run_upsets;
    std::vector<Disturb> disturb;
    std::vector<std::pair<uint32_t, uint32_t>> masked;
    bool in_run = false;
    uint64_t origin = 0, run_cycles = 0;
    // A .vcd trace is written as FST to fst_tmp and converted when it closes.
    FILE *vcd = nullptr;
    std::string fst_tmp;
    bool record = false;
    std::vector<ftsa_access_t> accesses;
};

// The simulator being clocked, for the SRAMs' DPI calls.
static thread_local ftsa_sim_t *g_clocked = nullptr;

// Called by every SRAM access of an FTSA_DPI build (rtl/ftsa_sram.v): trace it
// and return the bits read disturb flips in this read.
extern "C" void ftsa_dpi_sram(int mem, int we, int addr, svBitVecVal *flip)
{
    for (int i = 0; i < 32; i++)
        flip[i] = 0;
    ftsa_sim_t *s = g_clocked;
    if (!s || !s->in_run)
        return;
    uint64_t cycle = s->cycle - s->origin;
    if (s->record)
        s->accesses.push_back(ftsa_access_t{cycle, (uint8_t)mem, (uint8_t)we, (uint16_t)addr});
    if (we)
        return;
    for (const Disturb &d : s->disturb)
        if (d.mem == (uint32_t)mem && d.addr == (uint32_t)addr &&
            ftsa_fault_rd_draw(d.seed, d.mem, d.addr, d.bit, cycle, d.p))
            flip[d.bit / 32] ^= 1u << (d.bit % 32);
}

static uint32_t host_read(ftsa_sim_t *s, uint32_t addr)
{
    if (addr % 4 || (size_t)addr + 4 > s->host.size()) {
        s->bad_access++;
        s->bad_addr = addr;
        return 0;
    }
    const uint8_t *p = &s->host[addr];
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void host_write(ftsa_sim_t *s, uint32_t addr, uint32_t v)
{
    if (addr % 4 || (size_t)addr + 4 > s->host.size()) {
        s->bad_access++;
        s->bad_addr = addr;
        return;
    }
    uint8_t *p = &s->host[addr];
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void clock_cycle(ftsa_sim_t *s)
{
    Model &m = *s->model;
    m.eval_half(false);
    m.trace_dump(2 * s->cycle + 1);
    bool valid, we;
    uint32_t addr, wdata;
    m.bus_req(&valid, &we, &addr, &wdata);
    // Zero-wait: ready, data in the next cycle.  With stalls: ready low with
    // probability p_busy, a read's data late by 1..max_late more cycles with
    // probability p_late (responses stay in order, one per cycle).
    bool ready = !s->stalls || ftsa_rng_uniform(&s->bus_rng) >= s->bus.p_busy;
    bool rsp_now = !s->rsp.empty() && s->rsp.front().due == s->cycle;
    m.bus_rsp(ready, rsp_now, rsp_now ? s->rsp.front().data : 0);
    if (rsp_now)
        s->rsp.pop_front();
    if (valid && ready && we) {
        host_write(s, addr, wdata);
    } else if (valid && ready) {
        uint64_t due = s->cycle + 1;
        if (s->stalls && s->bus.max_late && ftsa_rng_uniform(&s->bus_rng) < s->bus.p_late)
            due += 1 + ftsa_rng_below(&s->bus_rng, s->bus.max_late);
        if (!s->rsp.empty() && due <= s->rsp.back().due)
            due = s->rsp.back().due + 1;
        s->rsp.push_back(Response{due, host_read(s, addr)});
    }
    const Upset *u = nullptr;
    for (const Upset &x : s->upsets)
        if (x.cycle == s->cycle)
            u = &x;
    if (s->in_run)
        for (const Upset &x : s->run_upsets)
            if (x.cycle == s->cycle - s->origin)
                u = &x;
    if (u)
        m.fault_drive(true, u->mem, FTSA_SIM_FAULT_UPSET, u->addr, u->mask.data(),
                      (uint32_t)u->mask.size());
    g_clocked = s;
    m.eval_half(true);
    g_clocked = nullptr;
    if (u)
        m.fault_drive(false, 0, 0, 0, nullptr, 0);
    s->cycle++;
    m.trace_dump(2 * s->cycle);
}

extern "C" {

int ftsa_sim_has_array(uint32_t array_n)
{
    return array_n == 8 || array_n == 16;
}

int ftsa_sim_has_xrand(uint32_t array_n)
{
    return array_n == 16;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && !strcmp(s + n - t, tail);
}

// The file name's extension picks the format.  Every way the file cannot be
// written is an error here, before the first cycle.
static ftsa_status_t trace_open(ftsa_sim_t *s, const char *path, ftsa_err_t *err)
{
    bool vcd = ends_with(path, ".vcd");
    if (!vcd && !ends_with(path, ".fst"))
        return ftsa_fail(err, FTSA_E_INVALID,
                         "trace %s: name the file .vcd (VCD) or .fst (FST, smaller)", path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return ftsa_fail(err, FTSA_E_IO, "cannot write trace %s: %s", path, strerror(errno));
    if (vcd) {
        s->vcd = f;
        s->fst_tmp = std::string(path) + ".tmp.fst";
    } else {
        fclose(f);
    }
    const char *fst = vcd ? s->fst_tmp.c_str() : path;
    if (!s->model->trace_open(fst)) {
        if (s->vcd)
            fclose(s->vcd);
        s->vcd = nullptr;
        return ftsa_fail(err, FTSA_E_IO, "cannot write trace %s", fst);
    }
    return FTSA_OK;
}

// VCD: the FST written so far, converted (fstapi's reader writes VCD text).
static ftsa_status_t trace_close(ftsa_sim_t *s, ftsa_err_t *err)
{
    s->model->trace_close();
    if (!s->vcd)
        return FTSA_OK;
    ftsa_status_t st = FTSA_OK;
    void *rd = fstReaderOpen(s->fst_tmp.c_str());
    if (!rd) {
        st = ftsa_fail(err, FTSA_E_IO, "cannot read back %s to convert it", s->fst_tmp.c_str());
    } else {
        // The hierarchy pass sets up the facilities the mask then selects.
        if (!fstReaderProcessHier(rd, s->vcd))
            st = ftsa_fail(err, FTSA_E_IO, "cannot convert %s to VCD", s->fst_tmp.c_str());
        fstReaderSetFacProcessMaskAll(rd);
        if (!st && !fstReaderIterBlocks(rd, nullptr, nullptr, s->vcd))
            st = ftsa_fail(err, FTSA_E_IO, "cannot convert %s to VCD", s->fst_tmp.c_str());
        fstReaderClose(rd);
    }
    if (fclose(s->vcd) && !st)
        st = ftsa_fail(err, FTSA_E_IO, "cannot write the VCD trace: %s", strerror(errno));
    s->vcd = nullptr;
    remove(s->fst_tmp.c_str());
    return st;
}

static ftsa_status_t create(uint32_t array_n, size_t host_bytes, const char *trace_path,
                            uint64_t xseed, ftsa_sim_t **sim, ftsa_err_t *err)
{
    ftsa_sim_t *s = new (std::nothrow) ftsa_sim;
    if (!s)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the RTL simulator");
    try {
        s->n = array_n;
        s->host.assign(host_bytes, 0);
        if (xseed)
            s->model.reset(new ModelOf<Vftsa_top_xu16, 16, false>(xseed));
        else if (array_n == 8)
            s->model.reset(new ModelOf<Vftsa_top_n8, 8>);
        else
            s->model.reset(new ModelOf<Vftsa_top_n16, 16>);
    } catch (...) {
        delete s;
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the RTL simulator");
    }
    if (trace_path) {
        ftsa_status_t st = trace_open(s, trace_path, err);
        if (st) {
            delete s;
            return st;
        }
    }
    s->model->csr_drive(false, 0, 0);
    s->model->fault_drive(false, 0, 0, 0, nullptr, 0);
    ftsa_sim_reset(s);
    *sim = s;
    return FTSA_OK;
}

ftsa_status_t ftsa_sim_create(uint32_t array_n, size_t host_bytes, const char *trace_path,
                              ftsa_sim_t **sim, ftsa_err_t *err)
{
    if (!ftsa_sim_has_array(array_n))
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "no Verilated RTL for a %ux%u array (this build has 8 and 16)", array_n,
                         array_n);
    return create(array_n, host_bytes, trace_path, 0, sim, err);
}

ftsa_status_t ftsa_sim_create_xrand(uint32_t array_n, size_t host_bytes, uint64_t seed,
                                    ftsa_sim_t **sim, ftsa_err_t *err)
{
    if (!ftsa_sim_has_xrand(array_n))
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "no --x-initial unique build for a %ux%u array (this build has 16)",
                         array_n, array_n);
    if (!seed)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "X seed 0 would let Verilator pick one at random: give a seed > 0");
    return create(array_n, host_bytes, nullptr, seed, sim, err);
}

ftsa_status_t ftsa_sim_set_bus(ftsa_sim_t *sim, const ftsa_sim_bus_t *bus, ftsa_err_t *err)
{
    if (!bus) {
        sim->stalls = false;
        return FTSA_OK;
    }
    if (!(bus->p_busy >= 0 && bus->p_busy < 1) || !(bus->p_late >= 0 && bus->p_late <= 1))
        return ftsa_fail(err, FTSA_E_INVALID,
                         "bus stall probabilities must be in [0, 1) (busy %g) and [0, 1] (late %g)",
                         bus->p_busy, bus->p_late);
    if (!sim->rsp.empty())
        return ftsa_fail(err, FTSA_E_INVALID, "bus model changed with reads in flight");
    sim->bus = *bus;
    sim->stalls = true;
    ftsa_rng_seed(&sim->bus_rng, bus->seed);
    return FTSA_OK;
}

ftsa_status_t ftsa_sim_trace_close(ftsa_sim_t *sim, ftsa_err_t *err)
{
    return trace_close(sim, err);
}

void ftsa_sim_destroy(ftsa_sim_t *sim)
{
    if (sim)
        trace_close(sim, nullptr);
    delete sim;
}

void ftsa_sim_reset(ftsa_sim_t *sim)
{
    sim->rsp.clear();
    sim->model->set_reset(false);
    ftsa_sim_step(sim, 2);
    sim->model->set_reset(true);
    ftsa_sim_step(sim, 1);
}

void ftsa_sim_step(ftsa_sim_t *sim, uint64_t cycles)
{
    for (uint64_t i = 0; i < cycles; i++)
        clock_cycle(sim);
}

uint64_t ftsa_sim_cycle(const ftsa_sim_t *sim)
{
    return sim->cycle;
}

uint32_t ftsa_sim_csr_read(ftsa_sim_t *sim, uint32_t addr)
{
    return sim->model->csr_read(addr);
}

void ftsa_sim_csr_write(ftsa_sim_t *sim, uint32_t addr, uint32_t value)
{
    sim->model->csr_drive(true, addr, value);
    clock_cycle(sim);
    sim->model->csr_drive(false, 0, 0);
}

ftsa_status_t ftsa_sim_run(ftsa_sim_t *sim, uint32_t cmdq_addr, uint64_t max_cycles,
                           ftsa_err_t *err)
{
    sim->bad_access = 0;
    ftsa_sim_csr_write(sim, FTSA_HW_CSR_CMDQ_ADDR, cmdq_addr);
    ftsa_sim_csr_write(sim, FTSA_HW_CSR_CTRL, 1u << FTSA_HW_CTRL_START);
    uint64_t start = sim->cycle;
    sim->origin = start;
    sim->in_run = true;
    sim->accesses.clear();
    while (sim->model->busy()) {
        if (sim->cycle - start >= max_cycles) {
            sim->in_run = false;
            return ftsa_fail(err, FTSA_E_BACKEND, "RTL still busy after %llu cycles",
                             (unsigned long long)max_cycles);
        }
        clock_cycle(sim);
    }
    sim->in_run = false;
    sim->run_cycles = sim->cycle - start;
    uint32_t status = ftsa_sim_csr_read(sim, FTSA_HW_CSR_STATUS);
    if (status & (1u << FTSA_HW_STATUS_ERROR))
        return ftsa_fail(err, FTSA_E_BACKEND, "RTL stopped on unknown opcode 0x%02x",
                         ftsa_sim_csr_read(sim, FTSA_HW_CSR_ERR_INFO));
    if (!(status & (1u << FTSA_HW_STATUS_DONE)))
        return ftsa_fail(err, FTSA_E_BACKEND, "RTL idle without reaching END");
    if (sim->bad_access)
        return ftsa_fail(err, FTSA_E_BACKEND,
                         "%llu host-memory accesses out of range (last at 0x%08x)",
                         (unsigned long long)sim->bad_access, sim->bad_addr);
    return FTSA_OK;
}

uint8_t *ftsa_sim_host(ftsa_sim_t *sim, size_t *bytes)
{
    if (bytes)
        *bytes = sim->host.size();
    return sim->host.data();
}

uint32_t ftsa_sim_mem_width(const ftsa_sim_t *sim, uint32_t mem)
{
    switch (mem) {
    case FTSA_HW_MEM_ACC: return 32 * sim->n;
    case FTSA_HW_MEM_PAR: return 96;
    case FTSA_HW_MEM_WGT:
    case FTSA_HW_MEM_ACT0:
    case FTSA_HW_MEM_ACT1:
    case FTSA_HW_MEM_THR: return 8 * sim->n;
    default: return 0;
    }
}

uint32_t ftsa_sim_mem_depth(const ftsa_sim_t *sim, uint32_t mem)
{
    static const uint32_t csr[] = {FTSA_HW_CSR_HW_WGT_DEPTH, FTSA_HW_CSR_HW_ACT_DEPTH,
                                   FTSA_HW_CSR_HW_ACT_DEPTH, FTSA_HW_CSR_HW_ACC_DEPTH,
                                   FTSA_HW_CSR_HW_PAR_DEPTH, FTSA_HW_CSR_HW_THR_DEPTH};
    if (mem >= sizeof csr / sizeof csr[0])
        return 0;
    return const_cast<ftsa_sim_t *>(sim)->model->csr_read(csr[mem]);
}

static ftsa_status_t check_fault(const ftsa_sim_t *sim, uint32_t mem, uint32_t addr,
                                 ftsa_err_t *err)
{
    uint32_t depth = ftsa_sim_mem_depth(sim, mem);
    if (!depth)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown memory id %u", mem);
    if (addr >= depth)
        return ftsa_fail(err, FTSA_E_INVALID, "word %u outside memory %u (%u words)", addr, mem,
                         depth);
    return FTSA_OK;
}

ftsa_status_t ftsa_sim_fault_set(ftsa_sim_t *sim, uint32_t mem, ftsa_sim_fault_kind_t kind,
                                 uint32_t addr, const uint32_t *mask, ftsa_err_t *err)
{
    ftsa_status_t st = check_fault(sim, mem, addr, err);
    if (st)
        return st;
    if ((unsigned)kind > FTSA_SIM_FAULT_UPSET)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown fault kind %d", (int)kind);
    uint32_t words = (ftsa_sim_mem_width(sim, mem) + 31) / 32;
    if (kind != FTSA_SIM_FAULT_UPSET)
        sim->masked.emplace_back(mem, addr);
    sim->model->fault_drive(true, mem, kind, addr, mask, words);
    clock_cycle(sim);
    sim->model->fault_drive(false, 0, 0, 0, nullptr, 0);
    return FTSA_OK;
}

ftsa_status_t ftsa_sim_fault_upset_at(ftsa_sim_t *sim, uint32_t mem, uint64_t cycle,
                                      uint32_t addr, const uint32_t *mask, ftsa_err_t *err)
{
    ftsa_status_t st = check_fault(sim, mem, addr, err);
    if (st)
        return st;
    uint32_t words = (ftsa_sim_mem_width(sim, mem) + 31) / 32;
    sim->upsets.push_back(Upset{cycle, mem, addr, std::vector<uint32_t>(mask, mask + words)});
    return FTSA_OK;
}

ftsa_status_t ftsa_sim_fault_upset_run(ftsa_sim_t *sim, uint32_t mem, uint64_t cycle,
                                       uint32_t addr, const uint32_t *mask, ftsa_err_t *err)
{
    ftsa_status_t st = check_fault(sim, mem, addr, err);
    if (st)
        return st;
    uint32_t words = (ftsa_sim_mem_width(sim, mem) + 31) / 32;
    for (Upset &u : sim->run_upsets) {
        if (u.cycle != cycle)
            continue;
        if (u.mem != mem || u.addr != addr)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "two upsets in run cycle %llu (memory %u word %u, memory %u word %u): "
                             "the RTL fault port takes one word per cycle",
                             (unsigned long long)cycle, u.mem, u.addr, mem, addr);
        for (uint32_t i = 0; i < words; i++)
            u.mask[i] ^= mask[i];
        return FTSA_OK;
    }
    sim->run_upsets.push_back(Upset{cycle, mem, addr, std::vector<uint32_t>(mask, mask + words)});
    return FTSA_OK;
}

ftsa_status_t ftsa_sim_fault_rd(ftsa_sim_t *sim, uint32_t mem, uint32_t addr, uint32_t bit,
                                double p, uint64_t seed, ftsa_err_t *err)
{
    ftsa_status_t st = check_fault(sim, mem, addr, err);
    if (st)
        return st;
    if (bit >= ftsa_sim_mem_width(sim, mem))
        return ftsa_fail(err, FTSA_E_INVALID, "bit %u outside memory %u's %u-bit words", bit, mem,
                         ftsa_sim_mem_width(sim, mem));
    sim->disturb.push_back(Disturb{mem, addr, bit, p, seed});
    return FTSA_OK;
}

void ftsa_sim_faults_clear(ftsa_sim_t *sim)
{
    static const uint32_t zero[32] = {0};
    std::vector<std::pair<uint32_t, uint32_t>> words;
    words.swap(sim->masked);
    for (const auto &w : words)
        for (uint32_t k = FTSA_SIM_FAULT_SA0; k <= FTSA_SIM_FAULT_FLIP; k++)
            ftsa_sim_fault_set(sim, w.first, (ftsa_sim_fault_kind_t)k, w.second, zero, nullptr);
    sim->masked.clear();
    sim->run_upsets.clear();
    sim->disturb.clear();
}

void ftsa_sim_record(ftsa_sim_t *sim, int on)
{
    sim->record = on != 0;
}

const ftsa_access_t *ftsa_sim_accesses(const ftsa_sim_t *sim, size_t *n)
{
    *n = sim->accesses.size();
    return sim->accesses.data();
}

uint64_t ftsa_sim_run_cycles(const ftsa_sim_t *sim)
{
    return sim->run_cycles;
}

} // extern "C"
