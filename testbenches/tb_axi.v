// Bus-functional-model test of rtl/ftsa_axi_top.v (Icarus), written from
// docs/host-interface.md: an AXI4-Lite master BFM runs the driver's CSR
// sequence (tb_run.vh), an AXI4 memory BFM serves the master port from
// image.hex (made by tb_xsim_prep.c); the host memory left after the setup and
// inference streams goes to result.hex.  RUN_CYCLES - STALL_CYCLES must equal
// the zero-wait run length of the native port (+setup_cycles, +infer_cycles).
//
// +stall=S (S > 0): the memory drops AWREADY/WREADY/ARREADY at random and
// delays R and B (seed S); 0: every READY high, R and B one cycle later.
`timescale 1ns / 1ps
module tb_axi;
  parameter integer ArrayN = 8;
  localparam integer MaxWords = 1 << 20;
  localparam integer QDepth   = 64;

  reg         clk = 1'b0, rst_n = 1'b0;
  integer     words, setup, infer, setup_cycles, infer_cycles, stall, seed, i, xwords;
  reg  [63:0] cycles = 64'd0;
  reg  [31:0] mem [0:MaxWords-1];

  // AXI4-Lite master BFM signals
  reg  [7:0]  awaddr = 8'd0, araddr = 8'd0;
  reg         awvalid = 1'b0, wvalid = 1'b0, bready = 1'b0, arvalid = 1'b0, rready = 1'b0;
  reg  [31:0] wdata = 32'd0;
  wire        awready, wready, bvalid, arready, rvalid;
  wire [1:0]  bresp, rresp;
  wire [31:0] rdata;
  // AXI4 master port of the DUT
  wire [31:0] m_awaddr, m_wdata, m_araddr;
  wire [7:0]  m_awlen, m_arlen;
  wire [2:0]  m_awsize, m_arsize;
  wire [1:0]  m_awburst, m_arburst;
  wire [3:0]  m_wstrb;
  wire        m_awvalid, m_wvalid, m_wlast, m_bready, m_arvalid, m_rready;
  reg         m_awready = 1'b1, m_wready = 1'b1, m_arready = 1'b1;
  reg         m_bvalid = 1'b0, m_rvalid = 1'b0;
  reg  [31:0] m_rdata = 32'd0;
  wire        busy, bus_error;

  ftsa_axi_top #(.ArrayN(ArrayN)) dut (
    .clk_i (clk), .rst_ni (rst_n),
    .s_axil_awaddr_i (awaddr), .s_axil_awvalid_i (awvalid), .s_axil_awready_o (awready),
    .s_axil_wdata_i (wdata), .s_axil_wstrb_i (4'hf), .s_axil_wvalid_i (wvalid),
    .s_axil_wready_o (wready), .s_axil_bresp_o (bresp), .s_axil_bvalid_o (bvalid),
    .s_axil_bready_i (bready), .s_axil_araddr_i (araddr), .s_axil_arvalid_i (arvalid),
    .s_axil_arready_o (arready), .s_axil_rdata_o (rdata), .s_axil_rresp_o (rresp),
    .s_axil_rvalid_o (rvalid), .s_axil_rready_i (rready),
    .m_axi_awaddr_o (m_awaddr), .m_axi_awlen_o (m_awlen), .m_axi_awsize_o (m_awsize),
    .m_axi_awburst_o (m_awburst), .m_axi_awvalid_o (m_awvalid), .m_axi_awready_i (m_awready),
    .m_axi_wdata_o (m_wdata), .m_axi_wstrb_o (m_wstrb), .m_axi_wlast_o (m_wlast),
    .m_axi_wvalid_o (m_wvalid), .m_axi_wready_i (m_wready), .m_axi_bresp_i (2'd0),
    .m_axi_bvalid_i (m_bvalid), .m_axi_bready_o (m_bready), .m_axi_araddr_o (m_araddr),
    .m_axi_arlen_o (m_arlen), .m_axi_arsize_o (m_arsize), .m_axi_arburst_o (m_arburst),
    .m_axi_arvalid_o (m_arvalid), .m_axi_arready_i (m_arready), .m_axi_rdata_i (m_rdata),
    .m_axi_rresp_i (2'd0), .m_axi_rlast_i (m_rvalid), .m_axi_rvalid_i (m_rvalid),
    .m_axi_rready_o (m_rready), .busy_o (busy), .bus_error_o (bus_error)
  );

  // ---------------------------------------------------------------- memory BFM
  // Queues of R data and B responses with the cycle each is due (in order).
  reg  [31:0] r_data [0:QDepth-1];
  reg  [63:0] r_due  [0:QDepth-1];
  reg  [63:0] b_due  [0:QDepth-1];
  integer     r_head = 0, r_n = 0, b_head = 0, b_n = 0;
  reg  [63:0] due, r_last = 64'd0, b_last = 64'd0;
  reg  [63:0] mcyc = 64'd0;   // rising edges so far: the current cycle, for the memory only
  reg  [31:0] aw_addr_q, w_data_q;
  reg         aw_have = 1'b0, w_have = 1'b0;

  function [63:0] late(input [63:0] base);
    begin
      late = base;
      if (stall != 0 && ($random(seed) & 3) == 0) late = base + 1 + (($random(seed) & 32'h7fffffff) % 4);
    end
  endfunction

  // At the falling edge: present this cycle's R and B and choose its READYs;
  // at the rising edge: take the handshakes of the cycle that ends.
  always @(negedge clk) begin
    m_rvalid = r_n != 0 && r_due[r_head] <= mcyc;
    m_rdata  = m_rvalid ? r_data[r_head] : 32'd0;
    m_bvalid = b_n != 0 && b_due[b_head] <= mcyc;
    m_arready = stall == 0 || ($random(seed) & 3) != 0;
    m_awready = stall == 0 || ($random(seed) & 3) != 0;
    m_wready  = stall == 0 || ($random(seed) & 3) != 0;
  end

  always @(posedge clk) begin
    // R and B handshakes (the DUT's RREADY and BREADY are 1: check it)
    if (m_rvalid) begin
      if (!m_rready) begin $display("tb_axi: RREADY low"); $finish; end
      r_head = (r_head + 1) % QDepth; r_n = r_n - 1;
    end
    if (m_bvalid) begin
      if (!m_bready) begin $display("tb_axi: BREADY low"); $finish; end
      b_head = (b_head + 1) % QDepth; b_n = b_n - 1;
    end
    if (m_arvalid && m_arready) begin
      if (m_arlen != 8'd0 || m_arsize != 3'd2 || m_araddr[1:0] != 2'd0) begin
        $display("tb_axi: AR not a single aligned 4-byte beat"); $finish;
      end
      if (r_n == QDepth) begin $display("tb_axi: R queue full"); $finish; end
      due = late(mcyc + 64'd1);
      if (r_n != 0 && due <= r_last) due = r_last + 64'd1;
      r_data[(r_head + r_n) % QDepth] = mem[m_araddr[21:2]];
      r_due[(r_head + r_n) % QDepth]  = due;
      r_last = due; r_n = r_n + 1;
    end
    if (m_awvalid && m_awready) begin aw_have = 1'b1; aw_addr_q = m_awaddr; end
    if (m_wvalid && m_wready) begin
      if (m_wstrb != 4'hf || !m_wlast) begin $display("tb_axi: W not a full last beat"); $finish; end
      w_have = 1'b1; w_data_q = m_wdata;
    end
    if (aw_have && w_have) begin
      mem[aw_addr_q[21:2]] = w_data_q;
      aw_have = 1'b0; w_have = 1'b0;
      if (b_n == QDepth) begin $display("tb_axi: B queue full"); $finish; end
      due = late(mcyc + 64'd1);
      if (b_n != 0 && due <= b_last) due = b_last + 64'd1;
      b_due[(b_head + b_n) % QDepth] = due;
      b_last = due; b_n = b_n + 1;
    end
    mcyc = mcyc + 64'd1;
  end

  // ---------------------------------------------------------------- CSR BFM
  task csr_write(input [7:0] addr, input [31:0] value);
    begin
      awaddr = addr; wdata = value; awvalid = 1'b1; wvalid = 1'b1;
      #1 while (!(awready && wready)) begin cycle; #1; end
      cycle;
      awvalid = 1'b0; wvalid = 1'b0; bready = 1'b1;
      #1 while (!bvalid) begin cycle; #1; end
      cycle;
      bready = 1'b0;
    end
  endtask

  task csr_read(input [7:0] addr, output [31:0] value);
    begin
      araddr = addr; arvalid = 1'b1;
      #1 while (!arready) begin cycle; #1; end
      cycle;
      arvalid = 1'b0; rready = 1'b1;
      #1 while (!rvalid) begin cycle; #1; end
      value = rdata;
      cycle;
      rready = 1'b0;
    end
  endtask

  `include "tb_run.vh"
endmodule
