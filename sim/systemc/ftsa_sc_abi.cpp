// The C ABI of sc_platform.h: each call becomes a job of the platform's host
// initiator (ftsa::Host::call), so every access is a TLM transaction.
#include "ftsa/sc_platform.h"

#include <cstdlib>
#include <new>
#include <set>
#include <tuple>

#include "ftsa/hw_regs.h"
#include "ftsa/sc_platform_attach.h"

struct ftsa_sc {
    ftsa::PlatformView v{};
    uint32_t depth[6]{};                                      // words per memory (HW_* CSRs)
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> masked; // (mem, kind, addr) with a mask
    bool held = false;
};

namespace {

// SystemC allows one elaborated design per process: the platform is a
// process-wide singleton, built once and never torn down (modules cannot be
// destroyed safely once simulated).
ftsa_sc *the_platform = nullptr;
ftsa::Platform *own_platform = nullptr;
constexpr size_t default_mem_bytes = 16u << 20;

ftsa_sc *platform_state()
{
    if (!the_platform)
        the_platform = new ftsa_sc();
    return the_platform;
}

} // namespace

void ftsa::attach_platform(const PlatformView &view)
{
    platform_state()->v = view;
}

extern "C" {

int ftsa_sc_has_array(uint32_t array_n)
{
    return array_n == ftsa::Accel::array_n;
}

ftsa_status_t ftsa_sc_open(ftsa_sc_t **out, ftsa_err_t *err)
{
    ftsa_sc *sc;
    try {
        sc = platform_state();
        if (!sc->v.host) {
            // The kernel's banner would land in the middle of a tool's output.
            setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
            own_platform = new ftsa::Platform("ftsa", default_mem_bytes);
            sc->v = {&own_platform->host, &own_platform->accel, &own_platform->rst_n,
                     ftsa::Bus::csr_base, default_mem_bytes};
        }
    } catch (const std::exception &e) {
        return ftsa_fail(err, FTSA_E_BACKEND, "cannot build the SystemC platform: %s", e.what());
    }
    if (sc->held)
        return ftsa_fail(err, FTSA_E_BACKEND,
                         "the SystemC platform is in use (SystemC allows one per process)");
    ftsa::Host &host = *sc->v.host;
    sc_core::sc_signal<bool> &rst_n = *sc->v.rst_n;
    host.call([&] {
        rst_n.write(false);
        host.wait_cycles(2);
        rst_n.write(true);
        host.wait_cycles(1);
    });
    static const uint32_t csr[] = {FTSA_HW_CSR_HW_WGT_DEPTH, FTSA_HW_CSR_HW_ACT_DEPTH,
                                   FTSA_HW_CSR_HW_ACT_DEPTH, FTSA_HW_CSR_HW_ACC_DEPTH,
                                   FTSA_HW_CSR_HW_PAR_DEPTH, FTSA_HW_CSR_HW_THR_DEPTH};
    for (int m = 0; m < 6; m++)
        sc->depth[m] = ftsa_sc_csr_read(sc, csr[m]);
    ftsa_status_t st = ftsa_sc_fault_clear(sc, err);
    if (st)
        return st;
    sc->held = true;
    *out = sc;
    return FTSA_OK;
}

void ftsa_sc_close(ftsa_sc_t *sc)
{
    if (sc)
        sc->held = false;
}

size_t ftsa_sc_mem_bytes(const ftsa_sc_t *sc)
{
    return sc->v.mem_bytes;
}

ftsa_status_t ftsa_sc_mem_write(ftsa_sc_t *sc, uint64_t addr, const void *src, size_t bytes,
                                ftsa_err_t *err)
{
    bool ok = false;
    sc->v.host->call([&] { ok = sc->v.host->write(addr, src, bytes); });
    return ok ? FTSA_OK
              : ftsa_fail(err, FTSA_E_BACKEND, "write of %zu bytes at 0x%llx failed", bytes,
                          (unsigned long long)addr);
}

ftsa_status_t ftsa_sc_mem_read(ftsa_sc_t *sc, uint64_t addr, void *dst, size_t bytes,
                               ftsa_err_t *err)
{
    bool ok = false;
    sc->v.host->call([&] { ok = sc->v.host->read(addr, dst, bytes); });
    return ok ? FTSA_OK
              : ftsa_fail(err, FTSA_E_BACKEND, "read of %zu bytes at 0x%llx failed", bytes,
                          (unsigned long long)addr);
}

static uint32_t csr_get(ftsa_sc_t *sc, uint32_t addr)
{
    uint32_t v = 0;
    if (!sc->v.host->read(sc->v.csr_base + addr, &v, 4))
        v = 0;
    return v;
}

uint32_t ftsa_sc_csr_read(ftsa_sc_t *sc, uint32_t addr)
{
    uint32_t v = 0;
    sc->v.host->call([&] { v = csr_get(sc, addr); });
    return v;
}

void ftsa_sc_csr_write(ftsa_sc_t *sc, uint32_t addr, uint32_t value)
{
    sc->v.host->call([&] { sc->v.host->write(sc->v.csr_base + addr, &value, 4); });
}

ftsa_status_t ftsa_sc_run(ftsa_sc_t *sc, uint32_t cmdq_addr, uint64_t max_cycles,
                          ftsa_err_t *err)
{
    ftsa::Host &host = *sc->v.host;
    ftsa::Accel &accel = *sc->v.accel;
    bool done = false;
    uint32_t status = 0, err_op = 0;
    host.call([&] {
        uint32_t start = 1u << FTSA_HW_CTRL_START;
        accel.clear_bus_errors();
        host.write(sc->v.csr_base + FTSA_HW_CSR_CMDQ_ADDR, &cmdq_addr, 4);
        host.write(sc->v.csr_base + FTSA_HW_CSR_CTRL, &start, 4);
        done = host.wait_irq(max_cycles);
        status = csr_get(sc, FTSA_HW_CSR_STATUS);
        err_op = csr_get(sc, FTSA_HW_CSR_ERR_INFO);
    });
    if (!done)
        return ftsa_fail(err, FTSA_E_BACKEND, "no interrupt from the accelerator after %llu cycles",
                         (unsigned long long)max_cycles);
    if (status & (1u << FTSA_HW_STATUS_ERROR))
        return ftsa_fail(err, FTSA_E_BACKEND, "accelerator stopped on unknown opcode 0x%02x",
                         err_op);
    if (!(status & (1u << FTSA_HW_STATUS_DONE)))
        return ftsa_fail(err, FTSA_E_BACKEND, "accelerator idle without reaching END");
    if (accel.bus_errors())
        return ftsa_fail(err, FTSA_E_BACKEND, "%llu host-bus accesses failed (last at 0x%08x)",
                         (unsigned long long)accel.bus_errors(), accel.last_bus_error_addr());
    return FTSA_OK;
}

uint64_t ftsa_sc_cycle(const ftsa_sc_t *sc)
{
    return sc->v.accel->cycle();
}

uint32_t ftsa_sc_mem_width(uint32_t mem)
{
    const uint32_t n = ftsa::Accel::array_n;
    switch (mem) {
    case FTSA_HW_MEM_ACC: return 32 * n;
    case FTSA_HW_MEM_PAR: return 96;
    case FTSA_HW_MEM_WGT:
    case FTSA_HW_MEM_ACT0:
    case FTSA_HW_MEM_ACT1:
    case FTSA_HW_MEM_THR: return 8 * n;
    default: return 0;
    }
}

static ftsa_status_t check_fault(const ftsa_sc_t *sc, uint32_t mem, uint32_t addr,
                                 const uint32_t *mask, uint32_t *full, ftsa_err_t *err)
{
    if (mem >= 6)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown memory id %u", mem);
    if (addr >= sc->depth[mem])
        return ftsa_fail(err, FTSA_E_INVALID, "word %u outside memory %u (%u words)", addr, mem,
                         sc->depth[mem]);
    uint32_t words = (ftsa_sc_mem_width(mem) + 31) / 32;
    for (uint32_t i = 0; i < ftsa::Accel::fault_words; i++)
        full[i] = i < words ? mask[i] : 0;
    return FTSA_OK;
}

ftsa_status_t ftsa_sc_fault_set(ftsa_sc_t *sc, uint32_t mem, ftsa_sim_fault_kind_t kind,
                                uint32_t addr, const uint32_t *mask, ftsa_err_t *err)
{
    uint32_t full[ftsa::Accel::fault_words];
    ftsa_status_t st = check_fault(sc, mem, addr, mask, full, err);
    if (st)
        return st;
    if ((unsigned)kind > FTSA_SIM_FAULT_UPSET)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown fault kind %d", (int)kind);
    sc->v.host->call([&] { sc->v.accel->fault_set(mem, (uint32_t)kind, addr, full); });
    if (kind != FTSA_SIM_FAULT_UPSET) {
        bool zero = true;
        for (uint32_t w : full)
            zero = zero && !w;
        if (zero)
            sc->masked.erase({mem, (uint32_t)kind, addr});
        else
            sc->masked.insert({mem, (uint32_t)kind, addr});
    }
    return FTSA_OK;
}

static ftsa_status_t upset(ftsa_sc_t *sc, uint32_t mem, uint64_t cycle, uint32_t addr,
                           const uint32_t *mask, bool every_run, ftsa_err_t *err)
{
    uint32_t full[ftsa::Accel::fault_words];
    ftsa_status_t st = check_fault(sc, mem, addr, mask, full, err);
    if (st)
        return st;
    if (every_run)
        sc->v.accel->fault_upset_run(cycle, mem, addr, full);
    else
        sc->v.accel->fault_upset_at(cycle, mem, addr, full);
    return FTSA_OK;
}

ftsa_status_t ftsa_sc_fault_upset_at(ftsa_sc_t *sc, uint32_t mem, uint64_t cycle, uint32_t addr,
                                     const uint32_t *mask, ftsa_err_t *err)
{
    return upset(sc, mem, cycle, addr, mask, false, err);
}

ftsa_status_t ftsa_sc_fault_upset_run(ftsa_sc_t *sc, uint32_t mem, uint64_t cycle, uint32_t addr,
                                      const uint32_t *mask, ftsa_err_t *err)
{
    return upset(sc, mem, cycle, addr, mask, true, err);
}

ftsa_status_t ftsa_sc_fault_clear(ftsa_sc_t *sc, ftsa_err_t *err)
{
    static const uint32_t zero[ftsa::Accel::fault_words] = {0};
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> masked;
    masked.swap(sc->masked);
    sc->v.host->call([&] {
        for (const auto &m : masked)
            sc->v.accel->fault_set(std::get<0>(m), std::get<1>(m), std::get<2>(m), zero);
    });
    sc->v.accel->fault_cancel_upsets();
    (void)err;
    return FTSA_OK;
}

// A program linking this library without an sc_main of its own (the ftsa CLI,
// tests) still links against libsystemc, whose main() would call it.  Never
// called there: those programs have their own main().
int sc_main(int argc, char *argv[]) __attribute__((weak));
int sc_main(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return 1;
}

} // extern "C"
