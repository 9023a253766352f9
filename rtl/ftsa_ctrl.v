// Command-stream controller.  Fetches two-word commands from host memory at
// CMDQ_ADDR and executes them in order (encoding: scripts/hw_regs.txt).
//
// PASS commands overlap: the controller loads the next pass's weights into the
// array's idle weight buffer while the feeder still streams the current pass,
// then hands the pass to the feeder as soon as it is free; the command after a
// PASS is fetched while the weights load.  Weight rows are written in row
// order, the order in which the last position using the old weights leaves
// them, so a buffer may be reloaded N cycles after its last position entered.
// Every other command first waits until the pipeline has drained.
//
// Host bus (docs/host-interface.md): a request transfers when hreq_valid_o &&
// hreq_ready_i; read data comes back in request order on hrsp_valid_i, one
// cycle after the transfer at the earliest.  A command fetch has two reads in
// flight at most.  stall_o marks the cycles the bus costs the controller beyond
// a zero-wait bus (ready high, data one cycle later).
module ftsa_ctrl #(
  parameter integer N = 8
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        start_i,
  input  wire [31:0] cmdq_i,
  input  wire [31:0] cycles_i,
  output wire        busy_o,
  output wire        done_o,     // pulse: END reached
  output wire        error_o,    // pulse: unknown opcode
  output wire [7:0]  err_op_o,
  // host bus (the top gives it to the DMA while dma_busy_i)
  output reg         hreq_valid_o,
  output reg         hreq_we_o,
  output reg  [31:0] hreq_addr_o,
  output wire [31:0] hreq_wdata_o,
  input  wire        hreq_ready_i,
  input  wire        hrsp_valid_i,
  input  wire [31:0] hrsp_rdata_i,
  output wire        stall_o,
  // DMA
  output wire        dma_start_o,
  output wire        dma_store_o,
  output wire [2:0]  dma_mem_o,
  output wire [19:0] dma_count_o,
  output wire [31:0] dma_host_o,
  output wire [15:0] dma_sram_o,
  input  wire        dma_busy_i,
  // feeder
  output wire        feed_start_o,
  input  wire        feed_ready_i,
  output wire [3:0]  feed_ky_o,
  output wire [3:0]  feed_kx_o,
  output wire [15:0] feed_ctile_o,
  output wire [15:0] feed_octile_o,
  output wire        feed_first_o,
  output wire        feed_last_o,
  output wire        feed_sel_o,
  input  wire        feed_busy_i,
  input  wire        feed_valid_i,   // a position enters the array ...
  input  wire        feed_vsel_i,    // ... using this weight buffer
  // weight loader: weight SRAM read -> array row write
  output wire        wgt_re_o,
  output wire [15:0] wgt_raddr_o,
  output wire        arr_wen_o,
  output wire [7:0]  arr_wrow_o,
  output wire        arr_wbuf_o,
  input  wire        arr_busy_i,
  input  wire        acc_busy_i,
  input  wire        post_busy_i,
  // post-processing lane load
  output wire        par_re_o,
  output wire [15:0] par_raddr_o,
  output wire        lane_we_o,
  output wire [7:0]  lane_idx_o,
  output wire        thr_re_o,
  output wire [15:0] thr_raddr_o,
  output wire        thr_ch_we_o,
  // pooling
  output wire        pool_start_o,
  output wire        pool_avg_o,
  input  wire        pool_busy_i,
  // layer registers
  output wire [15:0] reg_src_o,
  output wire [15:0] reg_in_h_o,
  output wire [15:0] reg_in_w_o,
  output wire [15:0] reg_in_ct_o,
  output wire [15:0] reg_out_h_o,
  output wire [15:0] reg_out_w_o,
  output wire [15:0] reg_out_ct_o,
  output wire [3:0]  reg_stride_o,
  output wire [3:0]  reg_pad_o,
  output wire [7:0]  reg_in_zp_o,
  output wire [7:0]  reg_out_zp_o,
  output wire [1:0]  reg_act_o,
  output wire [1:0]  reg_thr_src_o,
  output wire [7:0]  reg_thr_layer_o,
  output wire [15:0] reg_thr_base_o,
  output wire [15:0] reg_row0_o,
  output wire [15:0] reg_rows_o,
  output wire [3:0]  reg_pool_kh_o,
  output wire [3:0]  reg_pool_kw_o,
  output wire [15:0] reg_avg_n_o,
  output wire [3:0]  reg_pack_o,
  output wire [7:0]  reg_pack_g_o
);
  `include "ftsa_regs.vh"

  localparam integer NumRegs  = 32;
  localparam integer HoldCycles = N;
  localparam [7:0]   BusyHold = HoldCycles[7:0]; // cycles a position may stay in the array

  localparam [3:0] StIdle = 4'd0, StFetch0 = 4'd1, StFetch1 = 4'd2, StFetch2 = 4'd3,
                   StExec = 4'd4, StDma = 4'd5, StPassWait = 4'd6, StPassLoad = 4'd7,
                   StPassStart = 4'd8, StPost = 4'd9, StPool = 4'd10, StStamp = 4'd11;

  reg [3:0]  state_q;
  reg [31:0] pc_q, cmd0_q, cmd1_q;
  reg [31:0] pf0_q, pf1_q;           // the command after a PASS, fetched during its load
  reg [15:0] regs_q [0:NumRegs-1];
  reg        load_sel_q;           // weight buffer the next pass loads
  reg [7:0]  hold_q [0:1];         // per buffer: cycles until no position uses it
  reg [7:0]  cnt_q;                // weight row / lane counter
  reg        done_q, error_q;
  reg        req1_q, got0_q;       // fetch: second read sent, first word received
  reg [1:0]  pf_req_q, pf_rsp_q;   // PASS prefetch: reads sent, words received
  reg [31:0] stamp_q;              // STAMP: CYCLES_LO of its first write cycle, held until taken

  wire [7:0]  op      = cmd0_q[7:0];
  wire [23:0] arg_a   = cmd0_q[31:8];
  wire        drained = !feed_busy_i && !arr_busy_i && !acc_busy_i && !post_busy_i &&
                        !dma_busy_i && !pool_busy_i;
  wire        needs_drain = op != `FTSA_OP_PASS;

  // Command fetch: word 0 then word 1 (in order).  In StFetch1 the second
  // read is sent and the first word awaited, in either order.
  wire fetch_req1 = req1_q || hreq_ready_i;
  wire fetch_got0 = got0_q || hrsp_valid_i;

  // PASS: the next command's two words are read while the weights load (with
  // a zero-wait bus at load cycles 0 and 1, data at 1 and 2); the hand-off to
  // the feeder waits for both.
  wire pf_on   = state_q == StPassLoad || state_q == StPassStart;
  wire pf_send = pf_on && pf_req_q != 2'd2;
  wire pf_done = pf_rsp_q == 2'd2;

  // Weight-buffer occupancy.
  integer b;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hold_q[0] <= 8'd0;
      hold_q[1] <= 8'd0;
    end else begin
      for (b = 0; b < 2; b = b + 1) begin
        if (feed_valid_i && feed_vsel_i == b[0]) hold_q[b] <= BusyHold;
        else if (hold_q[b] != 8'd0)             hold_q[b] <= hold_q[b] - 8'd1;
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      pc_q       <= 32'd0;
      load_sel_q <= 1'b0;
      cnt_q      <= 8'd0;
      done_q     <= 1'b0;
      error_q    <= 1'b0;
      req1_q     <= 1'b0;
      got0_q     <= 1'b0;
      stamp_q    <= 32'd0;
    end else begin
      done_q  <= 1'b0;
      error_q <= 1'b0;
      case (state_q)
        StIdle: if (start_i) begin
          pc_q    <= cmdq_i;
          state_q <= StFetch0;
        end
        StFetch0: if (hreq_ready_i) begin
          req1_q  <= 1'b0;
          got0_q  <= 1'b0;
          state_q <= StFetch1;
        end
        StFetch1: begin
          req1_q <= fetch_req1;
          got0_q <= fetch_got0;
          if (fetch_req1 && fetch_got0) state_q <= StFetch2;
        end
        StFetch2: if (hrsp_valid_i) begin
          pc_q    <= pc_q + 32'd8;
          state_q <= StExec;
        end
        StExec: begin
          cnt_q <= 8'd0;
          if (!needs_drain || drained) begin
            case (op)
              `FTSA_OP_END: begin
                done_q  <= 1'b1;
                state_q <= StIdle;
              end
              `FTSA_OP_SET:       state_q <= StFetch0;
              `FTSA_OP_DMA_LOAD,
              `FTSA_OP_DMA_STORE: state_q <= StDma;
              `FTSA_OP_PASS:      state_q <= hold_q[load_sel_q] == 8'd0 ? StPassLoad : StPassWait;
              `FTSA_OP_POSTCFG:   state_q <= StPost;
              `FTSA_OP_MAXPOOL,
              `FTSA_OP_AVGPOOL:   state_q <= StPool;
              `FTSA_OP_STAMP: begin
                stamp_q <= cycles_i + 32'd1;
                state_q <= StStamp;
              end
              `FTSA_OP_SYNC:      state_q <= StFetch0;
              default: begin
                error_q <= 1'b1;
                state_q <= StIdle;
              end
            endcase
          end
        end
        StDma:  if (!dma_busy_i && cnt_q != 8'd0) state_q <= StFetch0;
                else cnt_q <= 8'd1; // DMA started in the first cycle here
        StPassWait: if (hold_q[load_sel_q] == 8'd0) state_q <= StPassLoad;
        StPassLoad: begin
          cnt_q <= cnt_q + 8'd1;
          if (cnt_q == N[7:0]) state_q <= StPassStart; // last row written this cycle
        end
        StPassStart: if (feed_ready_i && pf_done) begin
          load_sel_q <= !load_sel_q;
          pc_q       <= pc_q + 32'd8;
          state_q    <= StExec;   // the prefetched command
        end
        StPost: begin
          cnt_q <= cnt_q + 8'd1;
          if (cnt_q == N[7:0]) state_q <= StFetch0;
        end
        StPool: if (!pool_busy_i && cnt_q != 8'd0) state_q <= StFetch0;
                else cnt_q <= 8'd1;
        StStamp: if (hreq_ready_i) state_q <= StFetch0;
        default: state_q <= StIdle;
      endcase
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pf_req_q <= 2'd0;
      pf_rsp_q <= 2'd0;
    end else if (!pf_on) begin
      pf_req_q <= 2'd0;
      pf_rsp_q <= 2'd0;
    end else begin
      if (pf_send && hreq_ready_i) pf_req_q <= pf_req_q + 2'd1;
      if (hrsp_valid_i)            pf_rsp_q <= pf_rsp_q + 2'd1;
    end
  end

  always @(posedge clk_i) begin
    if (state_q == StFetch1 && hrsp_valid_i && !got0_q) cmd0_q <= hrsp_rdata_i;
    if (state_q == StFetch2 && hrsp_valid_i) cmd1_q <= hrsp_rdata_i;
    if (pf_on && hrsp_valid_i && pf_rsp_q == 2'd0) pf0_q <= hrsp_rdata_i;
    if (pf_on && hrsp_valid_i && pf_rsp_q == 2'd1) pf1_q <= hrsp_rdata_i;
    if (state_q == StPassStart && feed_ready_i && pf_done) begin
      cmd0_q <= pf0_q;
      cmd1_q <= pf1_q;
    end
  end

  integer r;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (r = 0; r < NumRegs; r = r + 1) regs_q[r] <= 16'd0;
    end else if (state_q == StExec && op == `FTSA_OP_SET) begin
      regs_q[arg_a[4:0]] <= cmd1_q[15:0];
    end
  end

  always @* begin
    hreq_valid_o = 1'b0;
    hreq_we_o    = 1'b0;
    hreq_addr_o  = pc_q;
    case (state_q)
      StFetch0: hreq_valid_o = 1'b1;
      StFetch1: begin
        hreq_valid_o = !req1_q;
        hreq_addr_o  = pc_q + 32'd4;
      end
      StPassLoad, StPassStart: begin
        hreq_valid_o = pf_send;
        hreq_addr_o  = pf_req_q[0] ? pc_q + 32'd4 : pc_q;
      end
      StStamp: begin
        hreq_valid_o = 1'b1;
        hreq_we_o    = 1'b1;
        hreq_addr_o  = cmd1_q;
      end
      default: ;
    endcase
  end
  assign hreq_wdata_o = stamp_q;

  // Cycles a zero-wait bus would not have cost: each fetch state and STAMP
  // take one cycle with it, and the prefetch is back before the hand-off.
  assign stall_o = state_q == StFetch0    ? !hreq_ready_i
                 : state_q == StFetch1    ? !(fetch_req1 && fetch_got0)
                 : state_q == StFetch2    ? !hrsp_valid_i
                 : state_q == StStamp     ? !hreq_ready_i
                 : state_q == StPassStart && feed_ready_i && !pf_done;

  // DMA: started in the first cycle of StDma.
  assign dma_start_o = state_q == StDma && cnt_q == 8'd0;
  assign dma_store_o = op == `FTSA_OP_DMA_STORE;
  assign dma_mem_o   = arg_a[`FTSA_FLD_MEM +: `FTSA_WID_MEM - 1];
  assign dma_count_o = arg_a[`FTSA_FLD_COUNT +: `FTSA_WID_COUNT];
  assign dma_host_o  = cmd1_q;
  assign dma_sram_o  = regs_q[`FTSA_REG_DMA_SRAM];

  // Pass: weight rows cnt_q = 0..N-1 are read; row cnt_q-1 is written.
  wire [15:0] wgt_base = cmd1_q[15:0];
  assign wgt_re_o      = state_q == StPassLoad && cnt_q < N[7:0];
  assign wgt_raddr_o   = wgt_base + {8'd0, cnt_q};
  assign arr_wen_o     = state_q == StPassLoad && cnt_q != 8'd0;
  assign arr_wrow_o    = cnt_q - 8'd1;
  assign arr_wbuf_o    = load_sel_q;
  assign feed_start_o  = state_q == StPassStart && pf_done; // offered once the next command is in
  assign feed_ky_o     = arg_a[`FTSA_FLD_KY +: `FTSA_WID_KY];
  assign feed_kx_o     = arg_a[`FTSA_FLD_KX +: `FTSA_WID_KX];
  assign feed_first_o  = arg_a[`FTSA_FLD_FIRST];
  assign feed_last_o   = arg_a[`FTSA_FLD_LAST];
  assign feed_ctile_o  = {2'd0, arg_a[`FTSA_FLD_CTILE +: `FTSA_WID_CTILE]};
  assign feed_octile_o = cmd1_q[31:16];
  assign feed_sel_o    = load_sel_q;

  // Post lanes: PAR word of channel octile*N + cnt_q read, written one cycle later;
  // the per-channel threshold word is read with lane 0.
  wire [31:0] par_word = {16'd0, regs_q[`FTSA_REG_PAR_BASE]} + arg_a[15:0] * N + {24'd0, cnt_q};
  assign par_re_o    = state_q == StPost && cnt_q < N[7:0];
  assign par_raddr_o = par_word[15:0];
  assign lane_we_o   = state_q == StPost && cnt_q != 8'd0;
  assign lane_idx_o  = cnt_q - 8'd1;
  assign thr_re_o    = state_q == StPost && cnt_q == 8'd0;
  assign thr_raddr_o = regs_q[`FTSA_REG_THR_BASE] + arg_a[15:0];
  assign thr_ch_we_o = state_q == StPost && cnt_q == 8'd1;

  assign pool_start_o = state_q == StPool && cnt_q == 8'd0;
  assign pool_avg_o   = op == `FTSA_OP_AVGPOOL;

  assign busy_o   = state_q != StIdle || done_q || error_q; // until CSR STATUS shows the end
  assign done_o   = done_q;
  assign error_o  = error_q;
  assign err_op_o = op;

  assign reg_src_o       = regs_q[`FTSA_REG_SRC];
  assign reg_in_h_o      = regs_q[`FTSA_REG_IN_H];
  assign reg_in_w_o      = regs_q[`FTSA_REG_IN_W];
  assign reg_in_ct_o     = regs_q[`FTSA_REG_IN_CT];
  assign reg_out_h_o     = regs_q[`FTSA_REG_OUT_H];
  assign reg_out_w_o     = regs_q[`FTSA_REG_OUT_W];
  assign reg_out_ct_o    = regs_q[`FTSA_REG_OUT_CT];
  assign reg_stride_o    = regs_q[`FTSA_REG_STRIDE][3:0];
  assign reg_pad_o       = regs_q[`FTSA_REG_PAD][3:0];
  assign reg_in_zp_o     = regs_q[`FTSA_REG_IN_ZP][7:0];
  assign reg_out_zp_o    = regs_q[`FTSA_REG_OUT_ZP][7:0];
  assign reg_act_o       = regs_q[`FTSA_REG_ACT][1:0];
  assign reg_thr_src_o   = regs_q[`FTSA_REG_THR_SRC][1:0];
  assign reg_thr_layer_o = regs_q[`FTSA_REG_THR_LAYER][7:0];
  assign reg_thr_base_o  = regs_q[`FTSA_REG_THR_BASE];
  assign reg_row0_o      = regs_q[`FTSA_REG_ROW0];
  assign reg_rows_o      = regs_q[`FTSA_REG_ROWS];
  assign reg_pool_kh_o   = regs_q[`FTSA_REG_POOL_KH][3:0];
  assign reg_pool_kw_o   = regs_q[`FTSA_REG_POOL_KW][3:0];
  assign reg_avg_n_o     = regs_q[`FTSA_REG_AVG_N];
  assign reg_pack_o      = regs_q[`FTSA_REG_PACK][3:0];
  assign reg_pack_g_o    = regs_q[`FTSA_REG_PACK_G][7:0];
endmodule
