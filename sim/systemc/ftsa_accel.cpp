// ftsa::Accel: binds the Verilated ftsa_top to signals and translates its host
// bus into TLM transactions; no behaviour of its own beyond the interrupt.
#include "ftsa/sc_accel.h"

#include <algorithm>
#include <cstring>

#include "Vftsa_top_sc.h"
#include "ftsa/hw_regs.h"

namespace ftsa {

Accel::Accel(sc_core::sc_module_name name)
    : sc_module(name), clk_i("clk_i"), rst_ni("rst_ni"), irq_o("irq_o"), csr("csr"), dma("dma"),
      ctx_(new VerilatedContext)
{
    // A SystemC model takes the thread's current context: give it its own.
    Verilated::threadContextp(ctx_.get());
    rtl_.reset(new Vftsa_top_sc("rtl"));
    Vftsa_top_sc &r = *rtl_;
    r.clk_i(clk_i);
    r.rst_ni(rst_ni);
    r.csr_we_i(csr_we_);
    r.csr_addr_i(csr_addr_);
    r.csr_wdata_i(csr_wdata_);
    r.csr_rdata_o(csr_rdata_);
    r.hreq_valid_o(hreq_valid_);
    r.hreq_we_o(hreq_we_);
    r.hreq_addr_o(hreq_addr_);
    r.hreq_wdata_o(hreq_wdata_);
    r.hreq_ready_i(hreq_ready_);
    r.hrsp_valid_i(hrsp_valid_);
    r.hrsp_rdata_i(hrsp_rdata_);
    r.busy_o(busy_);
    r.flt_we_i(flt_we_);
    r.flt_mem_i(flt_mem_);
    r.flt_kind_i(flt_kind_);
    r.flt_addr_i(flt_addr_);
    r.flt_data_i(flt_data_);
    csr.register_b_transport(this, &Accel::csr_transport);
    bus_tx_.set_data_ptr(bus_data_);
    bus_tx_.set_data_length(4);
    bus_tx_.set_streaming_width(4);
    SC_HAS_PROCESS(Accel);
    SC_THREAD(bus_thread);
}

Accel::~Accel() {}

// One cycle of the host bus, at the falling edge: answer the read of the
// previous cycle, then serve this cycle's request (read data is presented in
// the next cycle, as the RTL expects).  Also the interrupt and the fault port:
// this thread is their only writer.
void Accel::bus_thread()
{
    irq_o.write(false);
    hreq_ready_.write(true); // zero-wait memory: every request taken at once
    for (;;) {
        wait(clk_i.negedge_event());
        bool valid = hreq_valid_.read(), we = hreq_we_.read();
        hrsp_valid_.write(rsp_valid_);
        hrsp_rdata_.write(rsp_data_);
        rsp_valid_ = valid && !we;
        rsp_data_ = 0;
        if (valid)
            host_access(we, hreq_addr_.read(), hreq_wdata_.read());
        // A CTRL write taken at the edge just past: clears the interrupt, and
        // START makes this cycle run cycle 0.
        bool busy = busy_.read();
        if (csr_we_.read() && csr_addr_.read() == FTSA_HW_CSR_CTRL) {
            irq_o.write(false);
            if (csr_wdata_.read() & (1u << FTSA_HW_CTRL_START))
                for (Fault f : run_upsets_) {
                    f.cycle += cycle_;
                    upsets_.push_back(f);
                }
        }
        if (was_busy_ && !busy)
            irq_o.write(true);
        was_busy_ = busy;
        drive_fault();
        cycle_++;
    }
}

void Accel::host_access(bool we, uint32_t addr, uint32_t wdata)
{
    for (int i = 0; i < 4; i++)
        bus_data_[i] = (unsigned char)(wdata >> (8 * i));
    bus_tx_.set_command(we ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    bus_tx_.set_address(addr);
    bus_tx_.set_byte_enable_ptr(nullptr);
    bus_tx_.set_dmi_allowed(false);
    bus_tx_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    dma->b_transport(bus_tx_, delay);
    if (bus_tx_.is_response_error()) {
        bus_errors_++;
        bus_error_addr_ = addr;
        return;
    }
    if (!we)
        rsp_data_ = (uint32_t)bus_data_[0] | (uint32_t)bus_data_[1] << 8 |
                    (uint32_t)bus_data_[2] << 16 | (uint32_t)bus_data_[3] << 24;
}

// Drive the fault port for this cycle: a due upset first, else a queued set.
void Accel::drive_fault()
{
    if (flt_driven_) {
        flt_we_.write(false);
        flt_driven_ = false;
        if (set_driven_) {
            set_driven_ = false;
            sets_.pop_front();
            set_done_.notify();
        }
    }
    auto due = std::min_element(upsets_.begin(), upsets_.end(),
                                [](const Fault &a, const Fault &b) { return a.cycle < b.cycle; });
    Fault f;
    if (due != upsets_.end() && due->cycle <= cycle_) {
        f = *due;
        upsets_.erase(due);
    } else if (!sets_.empty()) {
        f = sets_.front();
        set_driven_ = true;
    } else {
        return;
    }
    sc_dt::sc_bv<32 * array_n> data;
    for (uint32_t i = 0; i < fault_words; i++)
        data.range(32 * i + 31, 32 * i) = f.mask[i];
    flt_mem_.write(f.mem);
    flt_kind_.write(f.kind);
    flt_addr_.write(f.addr);
    flt_data_.write(data);
    flt_we_.write(true);
    flt_driven_ = true;
}

static void copy_mask(uint32_t *dst, const uint32_t *mask)
{
    for (uint32_t i = 0; i < Accel::fault_words; i++)
        dst[i] = mask ? mask[i] : 0;
}

void Accel::fault_set(uint32_t mem, uint32_t kind, uint32_t addr, const uint32_t *mask)
{
    Fault f{0, mem, kind, addr, {0}};
    copy_mask(f.mask, mask);
    sets_.push_back(f);
    // Several threads may queue sets: wait until this one has been driven.
    size_t ahead = sets_.size();
    while (ahead--)
        wait(set_done_);
}

void Accel::fault_upset_at(uint64_t cycle, uint32_t mem, uint32_t addr, const uint32_t *mask)
{
    Fault f{cycle, mem, 3 /* FTSA_SIM_FAULT_UPSET */, addr, {0}};
    copy_mask(f.mask, mask);
    upsets_.push_back(f);
}

void Accel::fault_upset_run(uint64_t run_cycle, uint32_t mem, uint32_t addr, const uint32_t *mask)
{
    Fault f{run_cycle, mem, 3 /* FTSA_SIM_FAULT_UPSET */, addr, {0}};
    copy_mask(f.mask, mask);
    run_upsets_.push_back(f);
}

void Accel::fault_cancel_upsets()
{
    upsets_.clear();
    run_upsets_.clear();
}

// CSR accesses start at a falling edge: a write is held for one rising edge;
// a read returns what the CSR block shows just before the next rising edge.
void Accel::csr_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay)
{
    uint64_t addr = tx.get_address();
    if (tx.get_data_length() != 4 || tx.get_byte_enable_ptr() || tx.get_streaming_width() < 4) {
        tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (addr % 4 || addr > 0xFC) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    unsigned char *p = tx.get_data_ptr();
    wait(clk_i.negedge_event());
    csr_addr_.write((uint32_t)addr);
    if (tx.is_write()) {
        csr_wdata_.write((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                         (uint32_t)p[3] << 24);
        csr_we_.write(true);
        wait(clk_i.negedge_event());
        csr_we_.write(false);
    } else {
        wait(clk_i.posedge_event());
        uint32_t v = csr_rdata_.read();
        for (int i = 0; i < 4; i++)
            p[i] = (unsigned char)(v >> (8 * i));
    }
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace ftsa
