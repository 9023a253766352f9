// Cross-simulator check, Verilog side (Icarus): ftsa_top with a host memory
// and the reset / CSR / run sequence of docs/host-interface.md (tb_run.vh:
// setup and inference streams, X check, result.hex).  tb_xsim_prep.c made
// image.hex and the plusargs.
//
// +stall=S (S > 0): the memory drops hreq_ready_i and delays read data at
// random (seed S; in-order responses).  Either way RUN_CYCLES - STALL_CYCLES
// must equal the zero-wait run length +setup_cycles / +infer_cycles that
// Verilator measured.
`timescale 1ns / 1ps
module tb_xsim;
  parameter integer ArrayN = 8;
  localparam integer MaxWords = 1 << 20;
  localparam integer QDepth   = 16;      // reads in flight at most (a DMA burst keeps ~5)

  reg         clk = 1'b0, rst_n = 1'b0;
  reg         csr_we = 1'b0;
  reg  [7:0]  csr_addr = 8'd0;
  reg  [31:0] csr_wdata = 32'd0;
  wire [31:0] csr_rdata;
  wire        hv, hwe, busy;
  wire        bus_error = 1'b0;      // the native bus has no error response
  wire [31:0] ha, hwd;
  reg         ready = 1'b1, rv = 1'b0;
  reg  [31:0] rd = 32'd0;
  reg  [31:0] mem [0:MaxWords-1];
  integer     words, setup, infer, setup_cycles, infer_cycles, stall, i, xwords;
  reg  [63:0] cycles = 64'd0;
  integer     seed;

  // In-order read responses: data and the cycle in which to present it.
  reg  [31:0] q_data [0:QDepth-1];
  reg  [63:0] q_due  [0:QDepth-1];
  integer     q_head = 0, q_tail = 0, q_n = 0;
  reg  [63:0] due, last_due = 64'd0;
  reg  [63:0] mcyc = 64'd0;              // the memory's own cycle count (no race with cycle)

  ftsa_top #(.ArrayN(ArrayN)) dut (
    .clk_i (clk), .rst_ni (rst_n),
    .csr_we_i (csr_we), .csr_addr_i (csr_addr), .csr_wdata_i (csr_wdata), .csr_rdata_o (csr_rdata),
    .hreq_valid_o (hv), .hreq_we_o (hwe), .hreq_addr_o (ha), .hreq_wdata_o (hwd),
    .hreq_ready_i (ready), .hrsp_valid_i (rv), .hrsp_rdata_i (rd), .busy_o (busy)
`ifdef FTSA_FAULTS
    , .flt_we_i (1'b0), .flt_mem_i (3'd0), .flt_kind_i (2'd0), .flt_addr_i (16'd0),
    .flt_data_i ({32*ArrayN{1'b0}})
`endif
  );

  // Host memory, driven at the falling edge (inputs stable for the next rising
  // edge).  Zero-wait: ready high, a read's data in the cycle after its
  // transfer.  Writes take effect at the transfer.
  always @(negedge clk) begin
    ready = stall == 0 || ($random(seed) & 3) != 0;
    rv = q_n != 0 && q_due[q_head] == mcyc;
    rd = rv ? q_data[q_head] : 32'd0;
    if (rv) begin
      q_head = (q_head + 1) % QDepth;
      q_n    = q_n - 1;
    end
    if (hv && ready && hwe) mem[ha[21:2]] = hwd;
    if (hv && ready && !hwe) begin
      if (q_n == QDepth) begin
        $display("tb_xsim: more than %0d reads in flight", QDepth);
        $finish;
      end
      due = mcyc + 64'd1;
      if (stall != 0 && ($random(seed) & 3) == 0) due = due + 1 + (($random(seed) & 32'h7fffffff) % 3);
      if (q_n != 0 && due <= last_due) due = last_due + 64'd1;
      q_data[q_tail] = mem[ha[21:2]];
      q_due[q_tail]  = due;
      last_due       = due;
      q_tail = (q_tail + 1) % QDepth;
      q_n    = q_n + 1;
    end
    mcyc = mcyc + 64'd1;
  end

  task csr_write(input [7:0] addr, input [31:0] value);
    begin
      csr_we = 1'b1; csr_addr = addr; csr_wdata = value;
      cycle;
      csr_we = 1'b0; csr_addr = 8'd0; csr_wdata = 32'd0;
    end
  endtask

  task csr_read(input [7:0] addr, output [31:0] value);
    begin
      csr_addr = addr;
      #1 value = csr_rdata;
      csr_addr = 8'd0;
    end
  endtask

  `include "tb_run.vh"
endmodule
