// ftsa::Accel: the Verilated ftsa_top (N = 8, fault ports compiled in) as a
// SystemC module with TLM-2.0 sockets (docs/systemc.md).
//
//  - csr (target): 32-bit CSR reads and writes at byte offsets FTSA_HW_CSR_*;
//    each access is aligned to the clock and takes one cycle.
//  - dma (initiator): every request of the RTL's host bus (command fetch, DMA,
//    STAMP) becomes a 4-byte b_transport at the host byte address.  The RTL
//    bus has a fixed one-cycle read latency, so targets must answer without
//    wait() (loosely timed); annotated delays are ignored.  An error response
//    is counted (bus_errors) and reads as zero.
//  - irq_o: rises when a command stream ends (the controller goes idle);
//    cleared by the next write to CTRL.
//  - fault ports: fault_set / fault_upset_at drive the RTL's fault port.
#ifndef FTSA_SC_ACCEL_H
#define FTSA_SC_ACCEL_H

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

class Vftsa_top_sc;
class VerilatedContext;

namespace ftsa {

class Accel : public sc_core::sc_module {
public:
    static constexpr uint32_t array_n = 8;
    static constexpr uint32_t fault_words = array_n; // 32N-bit fault mask in 32-bit words

    sc_core::sc_in<bool> clk_i;
    sc_core::sc_in<bool> rst_ni;
    sc_core::sc_out<bool> irq_o;
    tlm_utils::simple_target_socket<Accel> csr;
    tlm_utils::simple_initiator_socket<Accel> dma;

    explicit Accel(sc_core::sc_module_name name);
    ~Accel() override;

    // Set word addr of memory mem (FTSA_HW_MEM_*) to mask of kind (the RTL's
    // encoding, ftsa_sim_fault_kind_t: SA0/SA1/FLIP replace the word's mask,
    // UPSET flips the stored word now).  mask: fault_words words, least
    // significant first.  Call from a thread: returns after the one clock
    // cycle the port is driven.
    void fault_set(uint32_t mem, uint32_t kind, uint32_t addr, const uint32_t *mask);
    // Flip the stored bits of mask in word addr at the end of cycle `cycle`
    // (cycle() numbering); callable from anywhere.
    void fault_upset_at(uint64_t cycle, uint32_t mem, uint32_t addr, const uint32_t *mask);
    // The same at run cycle `run_cycle` of every following command stream:
    // run cycle 0 is the cycle after the one whose clock edge takes START.
    void fault_upset_run(uint64_t run_cycle, uint32_t mem, uint32_t addr, const uint32_t *mask);
    // Drop every upset not applied yet, timed or per run.
    void fault_cancel_upsets();

    // Clock cycles since construction.
    uint64_t cycle() const { return cycle_; }
    // Host-bus requests answered with an error since the last clear_bus_errors.
    uint64_t bus_errors() const { return bus_errors_; }
    uint32_t last_bus_error_addr() const { return bus_error_addr_; }
    void clear_bus_errors() { bus_errors_ = 0; }

private:
    struct Fault {
        uint64_t cycle;
        uint32_t mem, kind, addr;
        uint32_t mask[fault_words];
    };

    void bus_thread();
    void host_access(bool we, uint32_t addr, uint32_t wdata);
    void drive_fault();
    void csr_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);

    std::unique_ptr<VerilatedContext> ctx_; // the model's own: outlives it
    std::unique_ptr<Vftsa_top_sc> rtl_;
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> csr_we_;
    sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS> csr_addr_, csr_wdata_;
    sc_core::sc_signal<uint32_t> csr_rdata_;
    sc_core::sc_signal<bool> hreq_valid_, hreq_we_, hreq_ready_, hrsp_valid_, busy_;
    sc_core::sc_signal<uint32_t> hreq_addr_, hreq_wdata_, hrsp_rdata_;
    sc_core::sc_signal<bool> flt_we_;
    sc_core::sc_signal<uint32_t> flt_mem_, flt_kind_, flt_addr_;
    sc_core::sc_signal<sc_dt::sc_bv<32 * array_n>> flt_data_;

    uint64_t cycle_ = 0;
    bool rsp_valid_ = false; // a read answered in the next cycle
    uint32_t rsp_data_ = 0;
    bool was_busy_ = false;
    uint64_t bus_errors_ = 0;
    uint32_t bus_error_addr_ = 0;
    tlm::tlm_generic_payload bus_tx_;
    unsigned char bus_data_[4];

    std::deque<Fault> sets_;    // fault_set requests, one per cycle
    std::vector<Fault> upsets_;     // timed upsets
    std::vector<Fault> run_upsets_; // upsets of every run, cycle counted from its start
    bool flt_driven_ = false;
    bool set_driven_ = false;
    sc_core::sc_event set_done_;
};

} // namespace ftsa

#endif
