// ftsa accelerator top: CSR block, command controller, DMA, activation feeder,
// N x N weight-stationary systolic array, accumulator, post-processing
// (bias, requantization, clip), pooling and six SRAMs.  See docs/hardware.md.
//
//  host bus ─▶ DMA ─▶ WGT ─▶ (controller: weight rows) ─▶ array weights
//                    ACT0/ACT1 ─▶ feeder (im2col) ─▶ array ─▶ accum (ACC) ─▶ post ─▶ ACT other
//                    PAR, THR ─▶ post lanes            pool: ACT src ─▶ ACT other
module ftsa_top #(
  parameter integer ArrayN   = 8,
  parameter integer WgtDepth = 16384,
  parameter integer ActDepth = 4096,
  parameter integer AccDepth = 1024,
  parameter integer ParDepth = 2048,
  parameter integer ThrDepth = 4096
) (
  input  wire                clk_i,
  input  wire                rst_ni,
  // CSR access
  input  wire                csr_we_i,
  input  wire [7:0]          csr_addr_i,
  input  wire [31:0]         csr_wdata_i,
  output wire [31:0]         csr_rdata_o,
  // host memory bus (docs/host-interface.md): a request transfers when
  // valid && ready; read data returns in order, one cycle later at the earliest
  output wire                hreq_valid_o,
  output wire                hreq_we_o,
  output wire [31:0]         hreq_addr_o,
  output wire [31:0]         hreq_wdata_o,
  input  wire                hreq_ready_i,
  input  wire                hrsp_valid_i,
  input  wire [31:0]         hrsp_rdata_i,
  output wire                busy_o
`ifdef FTSA_FAULTS
  ,
  // fault port: one SRAM word's mask (or a transient upset) per cycle
  input  wire                flt_we_i,
  input  wire [2:0]          flt_mem_i,   // FTSA_MEM_*
  input  wire [1:0]          flt_kind_i,  // 0 sa0, 1 sa1, 2 flip, 3 upset now
  input  wire [15:0]         flt_addr_i,
  input  wire [32*ArrayN-1:0] flt_data_i
`endif
);
  `include "ftsa_regs.vh"

  localparam integer N     = ArrayN;
  localparam integer DmaW  = 32 * N;
  localparam integer WgtAW = $clog2(WgtDepth);
  localparam integer ActAW = $clog2(ActDepth);
  localparam integer AccAW = $clog2(AccDepth);
  localparam integer ParAW = $clog2(ParDepth);
  localparam integer ThrAW = $clog2(ThrDepth);
  localparam integer TagW  = 2 + AccAW + 16; // first, last, acc address, output address

  // ---------------------------------------------------------------- CSR / ctrl
  wire        start, ctrl_busy, ctrl_done, ctrl_error;
  wire [7:0]  err_op;
  wire [31:0] cmdq, cycles;
  wire        ctrl_stall, dma_stall;

  ftsa_csr #(
    .N(N), .WgtDepth(WgtDepth), .ActDepth(ActDepth), .AccDepth(AccDepth),
    .ParDepth(ParDepth), .ThrDepth(ThrDepth)
  ) u_csr (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .csr_we_i    (csr_we_i),
    .csr_addr_i  (csr_addr_i),
    .csr_wdata_i (csr_wdata_i),
    .csr_rdata_o (csr_rdata_o),
    .start_o     (start),
    .cmdq_o      (cmdq),
    .cycles_o    (cycles),
    .busy_i      (ctrl_busy),
    .stall_i     (ctrl_stall || dma_stall),
    .done_i      (ctrl_done),
    .error_i     (ctrl_error),
    .err_op_i    (err_op)
  );

  wire        c_hreq_valid, c_hreq_we;
  wire [31:0] c_hreq_addr, c_hreq_wdata;
  wire        dma_start, dma_store, dma_busy;
  wire [2:0]  dma_cmd_mem;
  wire [19:0] dma_count;
  wire [31:0] dma_host;
  wire [15:0] dma_sram;
  wire        feed_start, feed_ready, feed_first_cmd, feed_last_cmd, feed_sel_cmd, feed_busy;
  wire [3:0]  feed_ky, feed_kx;
  wire [15:0] feed_ctile, feed_octile;
  wire        wgt_re_c, arr_wen, arr_wbuf;
  wire [15:0] wgt_raddr_c;
  wire [7:0]  arr_wrow;
  wire        par_re_c, lane_we, thr_re_c, thr_ch_we;
  wire [15:0] par_raddr_c, thr_raddr_c;
  wire [7:0]  lane_idx;
  wire        pool_start, pool_avg, pool_busy;
  wire        arr_busy, acc_busy, post_valid;
  wire [15:0] reg_src, reg_in_h, reg_in_w, reg_in_ct, reg_out_h, reg_out_w, reg_out_ct;
  wire [15:0] reg_thr_base, reg_row0, reg_rows, reg_avg_n;
  wire [3:0]  reg_stride, reg_pad, reg_pool_kh, reg_pool_kw, reg_pack;
  wire [7:0]  reg_pack_g;
  wire [7:0]  reg_in_zp, reg_out_zp, reg_thr_layer;
  wire [1:0]  reg_act, reg_thr_src;
  wire        feed_valid, feed_sel;

  ftsa_ctrl #(.N(N)) u_ctrl (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .start_i         (start),
    .cmdq_i          (cmdq),
    .cycles_i        (cycles),
    .busy_o          (ctrl_busy),
    .done_o          (ctrl_done),
    .error_o         (ctrl_error),
    .err_op_o        (err_op),
    .hreq_valid_o    (c_hreq_valid),
    .hreq_we_o       (c_hreq_we),
    .hreq_addr_o     (c_hreq_addr),
    .hreq_wdata_o    (c_hreq_wdata),
    .hreq_ready_i    (hreq_ready_i),
    .hrsp_valid_i    (hrsp_valid_i),
    .hrsp_rdata_i    (hrsp_rdata_i),
    .stall_o         (ctrl_stall),
    .dma_start_o     (dma_start),
    .dma_store_o     (dma_store),
    .dma_mem_o       (dma_cmd_mem),
    .dma_count_o     (dma_count),
    .dma_host_o      (dma_host),
    .dma_sram_o      (dma_sram),
    .dma_busy_i      (dma_busy),
    .feed_start_o    (feed_start),
    .feed_ready_i    (feed_ready),
    .feed_ky_o       (feed_ky),
    .feed_kx_o       (feed_kx),
    .feed_ctile_o    (feed_ctile),
    .feed_octile_o   (feed_octile),
    .feed_first_o    (feed_first_cmd),
    .feed_last_o     (feed_last_cmd),
    .feed_sel_o      (feed_sel_cmd),
    .feed_busy_i     (feed_busy),
    .feed_valid_i    (feed_valid),
    .feed_vsel_i     (feed_sel),
    .wgt_re_o        (wgt_re_c),
    .wgt_raddr_o     (wgt_raddr_c),
    .arr_wen_o       (arr_wen),
    .arr_wrow_o      (arr_wrow),
    .arr_wbuf_o      (arr_wbuf),
    .arr_busy_i      (arr_busy),
    .acc_busy_i      (acc_busy),
    .post_busy_i     (post_valid),
    .par_re_o        (par_re_c),
    .par_raddr_o     (par_raddr_c),
    .lane_we_o       (lane_we),
    .lane_idx_o      (lane_idx),
    .thr_re_o        (thr_re_c),
    .thr_raddr_o     (thr_raddr_c),
    .thr_ch_we_o     (thr_ch_we),
    .pool_start_o    (pool_start),
    .pool_avg_o      (pool_avg),
    .pool_busy_i     (pool_busy),
    .reg_src_o       (reg_src),
    .reg_in_h_o      (reg_in_h),
    .reg_in_w_o      (reg_in_w),
    .reg_in_ct_o     (reg_in_ct),
    .reg_out_h_o     (reg_out_h),
    .reg_out_w_o     (reg_out_w),
    .reg_out_ct_o    (reg_out_ct),
    .reg_stride_o    (reg_stride),
    .reg_pad_o       (reg_pad),
    .reg_in_zp_o     (reg_in_zp),
    .reg_out_zp_o    (reg_out_zp),
    .reg_act_o       (reg_act),
    .reg_thr_src_o   (reg_thr_src),
    .reg_thr_layer_o (reg_thr_layer),
    .reg_thr_base_o  (reg_thr_base),
    .reg_row0_o      (reg_row0),
    .reg_rows_o      (reg_rows),
    .reg_pool_kh_o   (reg_pool_kh),
    .reg_pool_kw_o   (reg_pool_kw),
    .reg_avg_n_o     (reg_avg_n),
    .reg_pack_o      (reg_pack),
    .reg_pack_g_o    (reg_pack_g)
  );

  // ---------------------------------------------------------------- DMA
  wire            d_hreq_valid, d_hreq_we;
  wire [31:0]     d_hreq_addr, d_hreq_wdata;
  wire [2:0]      dma_mem;
  wire            dma_we, dma_re;
  wire [15:0]     dma_waddr, dma_raddr;
  wire [DmaW-1:0] dma_wdata;
  reg  [DmaW-1:0] dma_rdata;

  ftsa_dma #(.N(N), .DmaW(DmaW)) u_dma (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .start_i      (dma_start),
    .store_i      (dma_store),
    .mem_i        (dma_cmd_mem),
    .count_i      (dma_count),
    .host_i       (dma_host),
    .sram_i       (dma_sram),
    .busy_o       (dma_busy),
    .hreq_valid_o (d_hreq_valid),
    .hreq_we_o    (d_hreq_we),
    .hreq_addr_o  (d_hreq_addr),
    .hreq_wdata_o (d_hreq_wdata),
    .hreq_ready_i (hreq_ready_i),
    .hrsp_valid_i (hrsp_valid_i),
    .hrsp_rdata_i (hrsp_rdata_i),
    .stall_o      (dma_stall),
    .mem_o        (dma_mem),
    .wr_we_o      (dma_we),
    .wr_addr_o    (dma_waddr),
    .wr_data_o    (dma_wdata),
    .rd_re_o      (dma_re),
    .rd_addr_o    (dma_raddr),
    .rd_data_i    (dma_rdata)
  );

  assign hreq_valid_o = dma_busy ? d_hreq_valid : c_hreq_valid;
  assign hreq_we_o    = dma_busy ? d_hreq_we    : c_hreq_we;
  assign hreq_addr_o  = dma_busy ? d_hreq_addr  : c_hreq_addr;
  assign hreq_wdata_o = dma_busy ? d_hreq_wdata : c_hreq_wdata;
  assign busy_o       = ctrl_busy;

  wire dma_on_wgt = dma_mem == `FTSA_MEM_WGT;
  wire dma_on_acc = dma_mem == `FTSA_MEM_ACC;
  wire dma_on_par = dma_mem == `FTSA_MEM_PAR;
  wire dma_on_thr = dma_mem == `FTSA_MEM_THR;
  wire [1:0] dma_on_act = {dma_mem == `FTSA_MEM_ACT1, dma_mem == `FTSA_MEM_ACT0};

  // ---------------------------------------------------------------- SRAMs
  wire [N*8-1:0]  wgt_rdata, thr_rdata;
  wire [N*32-1:0] acc_rdata;
  wire [95:0]     par_rdata;
  wire [N*8-1:0]  act_rdata [0:1];

`ifdef FTSA_FAULTS
  `define FTSA_FLT(id, w, data) , .flt_we_i(flt_we_i && flt_mem_i == id), \
      .flt_kind_i(flt_kind_i), .flt_addr_i(flt_addr_i[w-1:0]), .flt_data_i(data)
`else
  `define FTSA_FLT(id, w, data)
`endif

  ftsa_sram #(.Depth(WgtDepth), .Width(N*8), .MemId({29'd0, `FTSA_MEM_WGT})) u_wgt (
    .clk_i   (clk_i),
    .re_i    (wgt_re_c || (dma_re && dma_on_wgt)),
    .raddr_i (wgt_re_c ? wgt_raddr_c[WgtAW-1:0] : dma_raddr[WgtAW-1:0]),
    .rdata_o (wgt_rdata),
    .we_i    (dma_we && dma_on_wgt),
    .waddr_i (dma_waddr[WgtAW-1:0]),
    .wdata_i (dma_wdata[N*8-1:0])
    `FTSA_FLT(`FTSA_MEM_WGT, WgtAW, flt_data_i[N*8-1:0])
  );

  // Feeder, pool and post use the layer's SRC buffer and write the other one.
  wire            src = reg_src[0];
  wire            feed_act_re, pool_re, pool_we;
  wire [15:0]     feed_act_raddr, pool_raddr, pool_waddr, post_addr;
  wire [N*8-1:0]  pool_wdata, post_data;
  wire [N*8-1:0]  src_rdata = act_rdata[src];

  genvar b;
  generate
    for (b = 0; b < 2; b = b + 1) begin : g_act
`ifdef FTSA_FAULTS
      wire [2:0] act_id = b[0] ? `FTSA_MEM_ACT1 : `FTSA_MEM_ACT0;
`endif
      wire is_src = src == b[0];
      wire re_feed = feed_act_re && is_src;
      wire re_pool = pool_re && is_src;
      wire re_dma  = dma_re && dma_on_act[b];
      wire we_post = post_valid && !is_src;
      wire we_pool = pool_we && !is_src;
      wire we_dma  = dma_we && dma_on_act[b];
      wire [15:0] raddr = re_feed ? feed_act_raddr : re_pool ? pool_raddr : dma_raddr;
      wire [15:0] waddr = we_post ? post_addr : we_pool ? pool_waddr : dma_waddr;
      wire [N*8-1:0] wdata = we_post ? post_data : we_pool ? pool_wdata : dma_wdata[N*8-1:0];
      ftsa_sram #(.Depth(ActDepth), .Width(N*8),
                  .MemId({29'd0, b == 0 ? `FTSA_MEM_ACT0 : `FTSA_MEM_ACT1})) u_act (
        .clk_i   (clk_i),
        .re_i    (re_feed || re_pool || re_dma),
        .raddr_i (raddr[ActAW-1:0]),
        .rdata_o (act_rdata[b]),
        .we_i    (we_post || we_pool || we_dma),
        .waddr_i (waddr[ActAW-1:0]),
        .wdata_i (wdata)
        `FTSA_FLT(act_id, ActAW, flt_data_i[N*8-1:0])
      );
    end
  endgenerate

  wire            acc_re, acc_we;
  wire [15:0]     acc_raddr, acc_waddr;
  wire [N*32-1:0] acc_wdata;
  ftsa_sram #(.Depth(AccDepth), .Width(N*32), .MemId({29'd0, `FTSA_MEM_ACC})) u_acc (
    .clk_i   (clk_i),
    .re_i    (acc_re || (dma_re && dma_on_acc)),
    .raddr_i (acc_re ? acc_raddr[AccAW-1:0] : dma_raddr[AccAW-1:0]),
    .rdata_o (acc_rdata),
    .we_i    (acc_we || (dma_we && dma_on_acc)),
    .waddr_i (acc_we ? acc_waddr[AccAW-1:0] : dma_waddr[AccAW-1:0]),
    .wdata_i (acc_we ? acc_wdata : dma_wdata)
    `FTSA_FLT(`FTSA_MEM_ACC, AccAW, flt_data_i)
  );

  ftsa_sram #(.Depth(ParDepth), .Width(96), .MemId({29'd0, `FTSA_MEM_PAR})) u_par (
    .clk_i   (clk_i),
    .re_i    (par_re_c || (dma_re && dma_on_par)),
    .raddr_i (par_re_c ? par_raddr_c[ParAW-1:0] : dma_raddr[ParAW-1:0]),
    .rdata_o (par_rdata),
    .we_i    (dma_we && dma_on_par),
    .waddr_i (dma_waddr[ParAW-1:0]),
    .wdata_i (dma_wdata[95:0])
    `FTSA_FLT(`FTSA_MEM_PAR, ParAW, flt_data_i[95:0])
  );

  wire        thr_re_acc;
  wire [15:0] thr_raddr_acc;
  ftsa_sram #(.Depth(ThrDepth), .Width(N*8), .MemId({29'd0, `FTSA_MEM_THR})) u_thr (
    .clk_i   (clk_i),
    .re_i    (thr_re_c || thr_re_acc || (dma_re && dma_on_thr)),
    .raddr_i (thr_re_c ? thr_raddr_c[ThrAW-1:0] : thr_re_acc ? thr_raddr_acc[ThrAW-1:0]
                                                             : dma_raddr[ThrAW-1:0]),
    .rdata_o (thr_rdata),
    .we_i    (dma_we && dma_on_thr),
    .waddr_i (dma_waddr[ThrAW-1:0]),
    .wdata_i (dma_wdata[N*8-1:0])
    `FTSA_FLT(`FTSA_MEM_THR, ThrAW, flt_data_i[N*8-1:0])
  );
  `undef FTSA_FLT

  always @* begin
    case (dma_mem)
      `FTSA_MEM_WGT:  dma_rdata = {{(DmaW-N*8){1'b0}}, wgt_rdata};
      `FTSA_MEM_ACT0: dma_rdata = {{(DmaW-N*8){1'b0}}, act_rdata[0]};
      `FTSA_MEM_ACT1: dma_rdata = {{(DmaW-N*8){1'b0}}, act_rdata[1]};
      `FTSA_MEM_ACC:  dma_rdata = acc_rdata;
      `FTSA_MEM_PAR:  dma_rdata = {{(DmaW-96){1'b0}}, par_rdata};
      `FTSA_MEM_THR:  dma_rdata = {{(DmaW-N*8){1'b0}}, thr_rdata};
      default:        dma_rdata = {DmaW{1'b0}};
    endcase
  end

  // ---------------------------------------------------------------- datapath
  wire [N*8-1:0] feed_a;
  wire           feed_first, feed_last;
  wire [15:0]    feed_acc_addr, feed_out_addr;

  ftsa_feeder #(.N(N)) u_feeder (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (feed_start),
    .ready_o     (feed_ready),
    .ky_i        (feed_ky),
    .kx_i        (feed_kx),
    .ctile_i     (feed_ctile),
    .octile_i    (feed_octile),
    .first_i     (feed_first_cmd),
    .last_i      (feed_last_cmd),
    .sel_i       (feed_sel_cmd),
    .in_h_i      (reg_in_h),
    .in_w_i      (reg_in_w),
    .in_ct_i     (reg_in_ct),
    .out_w_i     (reg_out_w),
    .out_ct_i    (reg_out_ct),
    .stride_i    (reg_stride),
    .pad_i       (reg_pad),
    .zp_i        (reg_in_zp),
    .row0_i      (reg_row0),
    .rows_i      (reg_rows),
    .pack_i      (reg_pack),
    .pack_g_i    (reg_pack_g),
    .act_re_o    (feed_act_re),
    .act_raddr_o (feed_act_raddr),
    .act_rdata_i (src_rdata),
    .valid_o     (feed_valid),
    .a_o         (feed_a),
    .sel_o       (feed_sel),
    .first_o     (feed_first),
    .last_o      (feed_last),
    .acc_addr_o  (feed_acc_addr),
    .out_addr_o  (feed_out_addr),
    .busy_o      (feed_busy)
  );

  wire            arr_valid;
  wire [N*32-1:0] arr_sum;
  wire [TagW-1:0] arr_tag;
  ftsa_array #(.N(N), .TagW(TagW)) u_array (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .valid_i (feed_valid),
    .a_i     (feed_a),
    .sel_i   (feed_sel),
    .tag_i   ({feed_first, feed_last, feed_acc_addr[AccAW-1:0], feed_out_addr}),
    .wen_i   (arr_wen),
    .wrow_i  (arr_wrow),
    .wbuf_i  (arr_wbuf),
    .wdata_i (wgt_rdata),
    .valid_o (arr_valid),
    .sum_o   (arr_sum),
    .tag_o   (arr_tag),
    .busy_o  (arr_busy)
  );

  wire            accp_valid;
  wire [N*32-1:0] accp_sum;
  wire [15:0]     accp_addr;
  ftsa_accum #(.N(N)) u_accum (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .valid_i      (arr_valid),
    .sum_i        (arr_sum),
    .first_i      (arr_tag[TagW-1]),
    .last_i       (arr_tag[TagW-2]),
    .acc_addr_i   ({{(16-AccAW){1'b0}}, arr_tag[16 +: AccAW]}),
    .out_addr_i   (arr_tag[15:0]),
    .thr_neuron_i (reg_thr_src == 2'd2),
    .thr_base_i   (reg_thr_base),
    .acc_re_o     (acc_re),
    .acc_raddr_o  (acc_raddr),
    .acc_rdata_i  (acc_rdata),
    .acc_we_o     (acc_we),
    .acc_waddr_o  (acc_waddr),
    .acc_wdata_o  (acc_wdata),
    .thr_re_o     (thr_re_acc),
    .thr_raddr_o  (thr_raddr_acc),
    .post_valid_o (accp_valid),
    .post_sum_o   (accp_sum),
    .post_addr_o  (accp_addr),
    .busy_o       (acc_busy)
  );

  ftsa_post #(.N(N)) u_post (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .lane_we_i    (lane_we),
    .lane_idx_i   (lane_idx),
    .lane_par_i   (par_rdata),
    .thr_ch_we_i  (thr_ch_we),
    .thr_ch_i     (thr_rdata),
    .act_i        (reg_act),
    .thr_src_i    (reg_thr_src),
    .thr_layer_i  (reg_thr_layer),
    .zp_i         (reg_out_zp),
    .valid_i      (accp_valid),
    .sum_i        (accp_sum),
    .thr_neuron_i (thr_rdata),
    .addr_i       (accp_addr),
    .valid_o      (post_valid),
    .data_o       (post_data),
    .addr_o       (post_addr)
  );

  ftsa_pool #(.N(N)) u_pool (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .start_i   (pool_start),
    .avg_i     (pool_avg),
    .in_w_i    (reg_in_w),
    .in_ct_i   (reg_in_ct),
    .out_h_i   (reg_out_h),
    .out_w_i   (reg_out_w),
    .kh_i      (reg_pool_kh),
    .kw_i      (reg_pool_kw),
    .stride_i  (reg_stride),
    .avg_n_i   (reg_avg_n),
    .busy_o    (pool_busy),
    .rd_re_o   (pool_re),
    .rd_addr_o (pool_raddr),
    .rd_data_i (src_rdata),
    .wr_we_o   (pool_we),
    .wr_addr_o (pool_waddr),
    .wr_data_o (pool_wdata)
  );

  wire unused_ok = &{1'b0, reg_src[15:1], reg_in_h, dma_store};
endmodule
