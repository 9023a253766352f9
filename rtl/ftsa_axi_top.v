// ftsa_top behind AXI: an AXI4-Lite slave for the CSRs and an AXI4 master
// for host memory (command fetch, DMA, STAMP).  docs/host-interface.md.
//
// Master: single-beat transfers only (AxLEN 0, AxSIZE 4 bytes, INCR, ID 0),
// one request per cycle as ftsa_top issues them; reads may be outstanding
// without limit (the slave throttles with ARREADY), R and B are always
// accepted (RREADY = BREADY = 1).  A write's AW and W are offered together and
// may be taken in different cycles; the native request transfers once both are.
// AXI does not order reads after writes, so a read waits until every write has
// its B response (a B arriving in the same cycle counts); busy_o stays high
// until the last B, so the host sees all results once busy_o is low.
// With every READY high, R one cycle after AR and B one cycle after the write,
// the run is cycle for cycle that of ftsa_top on a zero-wait bus.
//
// Slave: one access at a time; a write needs AWVALID and WVALID together (both
// are taken in that cycle, the CSR written at its end; WSTRB is ignored: CSRs
// are written whole), B follows one cycle later.  A read is taken when no write
// is, R follows one cycle later with the registered CSR value.  Writes win
// when both arrive in one cycle.  Responses are always OKAY.
//
// bus_error_o: sticky (until reset) once an R or B response is not OKAY.
module ftsa_axi_top #(
  parameter integer ArrayN   = 8,
  parameter integer WgtDepth = 16384,
  parameter integer ActDepth = 4096,
  parameter integer AccDepth = 1024,
  parameter integer ParDepth = 2048,
  parameter integer ThrDepth = 4096
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  // AXI4-Lite slave: CSRs (byte offsets of docs/host-interface.md)
  input  wire [7:0]  s_axil_awaddr_i,
  input  wire        s_axil_awvalid_i,
  output wire        s_axil_awready_o,
  input  wire [31:0] s_axil_wdata_i,
  input  wire [3:0]  s_axil_wstrb_i,
  input  wire        s_axil_wvalid_i,
  output wire        s_axil_wready_o,
  output wire [1:0]  s_axil_bresp_o,
  output wire        s_axil_bvalid_o,
  input  wire        s_axil_bready_i,
  input  wire [7:0]  s_axil_araddr_i,
  input  wire        s_axil_arvalid_i,
  output wire        s_axil_arready_o,
  output wire [31:0] s_axil_rdata_o,
  output wire [1:0]  s_axil_rresp_o,
  output wire        s_axil_rvalid_o,
  input  wire        s_axil_rready_i,
  // AXI4 master: host memory
  output wire [31:0] m_axi_awaddr_o,
  output wire [7:0]  m_axi_awlen_o,
  output wire [2:0]  m_axi_awsize_o,
  output wire [1:0]  m_axi_awburst_o,
  output wire        m_axi_awvalid_o,
  input  wire        m_axi_awready_i,
  output wire [31:0] m_axi_wdata_o,
  output wire [3:0]  m_axi_wstrb_o,
  output wire        m_axi_wlast_o,
  output wire        m_axi_wvalid_o,
  input  wire        m_axi_wready_i,
  input  wire [1:0]  m_axi_bresp_i,
  input  wire        m_axi_bvalid_i,
  output wire        m_axi_bready_o,
  output wire [31:0] m_axi_araddr_o,
  output wire [7:0]  m_axi_arlen_o,
  output wire [2:0]  m_axi_arsize_o,
  output wire [1:0]  m_axi_arburst_o,
  output wire        m_axi_arvalid_o,
  input  wire        m_axi_arready_i,
  input  wire [31:0] m_axi_rdata_i,
  input  wire [1:0]  m_axi_rresp_i,
  input  wire        m_axi_rlast_i,
  input  wire        m_axi_rvalid_i,
  output wire        m_axi_rready_o,
  // status
  output wire        busy_o,
  output wire        bus_error_o
);
  // ---------------------------------------------------------------- host side
  wire        hv, hwe, hready;
  wire [31:0] haddr, hwdata;
  wire        core_busy;

  reg         aw_done_q, w_done_q;   // this write's AW / W already taken
  reg  [4:0]  writes_q;              // writes without their B response
  reg         err_q;

  wire        b_now    = m_axi_bvalid_i;
  wire        no_write = writes_q == 5'd0 || (writes_q == 5'd1 && b_now);
  wire        aw_ok    = aw_done_q || m_axi_awready_i;
  wire        w_ok     = w_done_q || m_axi_wready_i;
  wire        wr_full  = writes_q == 5'd31;
  wire        wr_fire  = hv && hwe && !wr_full && aw_ok && w_ok;

  assign hready = hwe ? !wr_full && aw_ok && w_ok : no_write && m_axi_arready_i;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_done_q <= 1'b0;
      w_done_q  <= 1'b0;
      writes_q  <= 5'd0;
      err_q     <= 1'b0;
    end else begin
      aw_done_q <= wr_fire ? 1'b0 : aw_done_q || (m_axi_awvalid_o && m_axi_awready_i);
      w_done_q  <= wr_fire ? 1'b0 : w_done_q || (m_axi_wvalid_o && m_axi_wready_i);
      writes_q  <= writes_q + {4'd0, wr_fire} - {4'd0, b_now};
      if ((m_axi_bvalid_i && m_axi_bresp_i != 2'd0) || (m_axi_rvalid_i && m_axi_rresp_i != 2'd0))
        err_q <= 1'b1;
    end
  end

  assign m_axi_awaddr_o  = haddr;
  assign m_axi_awlen_o   = 8'd0;
  assign m_axi_awsize_o  = 3'd2;
  assign m_axi_awburst_o = 2'd1;
  assign m_axi_awvalid_o = hv && hwe && !wr_full && !aw_done_q;
  assign m_axi_wdata_o   = hwdata;
  assign m_axi_wstrb_o   = 4'hf;
  assign m_axi_wlast_o   = 1'b1;
  assign m_axi_wvalid_o  = hv && hwe && !wr_full && !w_done_q;
  assign m_axi_bready_o  = 1'b1;
  assign m_axi_araddr_o  = haddr;
  assign m_axi_arlen_o   = 8'd0;
  assign m_axi_arsize_o  = 3'd2;
  assign m_axi_arburst_o = 2'd1;
  assign m_axi_arvalid_o = hv && !hwe && no_write;
  assign m_axi_rready_o  = 1'b1;

  // ---------------------------------------------------------------- CSR side
  reg         bvalid_q, rvalid_q;
  reg  [31:0] rdata_q;
  wire [31:0] csr_rdata;
  wire        csr_wr = s_axil_awvalid_i && s_axil_wvalid_i && !bvalid_q;
  wire        csr_rd = s_axil_arvalid_i && !rvalid_q && !csr_wr;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bvalid_q <= 1'b0;
      rvalid_q <= 1'b0;
      rdata_q  <= 32'd0;
    end else begin
      if (csr_wr)                             bvalid_q <= 1'b1;
      else if (s_axil_bready_i)               bvalid_q <= 1'b0;
      if (csr_rd) begin
        rvalid_q <= 1'b1;
        rdata_q  <= csr_rdata;
      end else if (s_axil_rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  assign s_axil_awready_o = csr_wr;
  assign s_axil_wready_o  = csr_wr;
  assign s_axil_bresp_o   = 2'd0;
  assign s_axil_bvalid_o  = bvalid_q;
  assign s_axil_arready_o = csr_rd;
  assign s_axil_rdata_o   = rdata_q;
  assign s_axil_rresp_o   = 2'd0;
  assign s_axil_rvalid_o  = rvalid_q;

  ftsa_top #(
    .ArrayN(ArrayN), .WgtDepth(WgtDepth), .ActDepth(ActDepth), .AccDepth(AccDepth),
    .ParDepth(ParDepth), .ThrDepth(ThrDepth)
  ) u_top (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .csr_we_i     (csr_wr),
    .csr_addr_i   (csr_wr ? s_axil_awaddr_i : s_axil_araddr_i),
    .csr_wdata_i  (s_axil_wdata_i),
    .csr_rdata_o  (csr_rdata),
    .hreq_valid_o (hv),
    .hreq_we_o    (hwe),
    .hreq_addr_o  (haddr),
    .hreq_wdata_o (hwdata),
    .hreq_ready_i (hready),
    .hrsp_valid_i (m_axi_rvalid_i),
    .hrsp_rdata_i (m_axi_rdata_i),
    .busy_o       (core_busy)
`ifdef FTSA_FAULTS
    ,
    .flt_we_i     (1'b0),
    .flt_mem_i    (3'd0),
    .flt_kind_i   (2'd0),
    .flt_addr_i   (16'd0),
    .flt_data_i   ({32*ArrayN{1'b0}})
`endif
  );

  assign busy_o      = core_busy || writes_q != 5'd0;
  assign bus_error_o = err_q;

  wire unused_ok = &{1'b0, s_axil_wstrb_i, m_axi_rlast_i};
endmodule
