// Area/energy wrapper (not part of the accelerator): N lanes of ftsa_clip with
// the activation mode and the threshold source fixed at elaboration, so Yosys
// prunes the rest, plus the threshold storage each method needs beside the
// lanes.  Synthesized by scripts/synth only.
//   Mode   0 run-time (mode_i, all of ftsa_clip), 1 ReLU, 2 clip-to-zero, 3 saturate
//   ThrSrc 0 per layer   : one 8-bit threshold register
//          1 per channel : N x 8-bit register bank loaded from a THR word
//          2 per neuron  : threshold word read per pixel from THR SRAM, plus
//                          the SRAM read-address adder (base + output address)
//          3 run-time    : all three and their select, as in ftsa_post
// The THR SRAM itself is a macro, counted in bits by the report.
module ftsa_cost_clip #(
  parameter integer N      = 8,
  parameter integer Mode   = 1,
  parameter integer ThrSrc = 0
) (
  input  wire           clk_i,
  input  wire [1:0]     mode_i,       // used when Mode == 0
  input  wire [1:0]     thr_src_i,    // used when ThrSrc == 3
  input  wire [7:0]     zp_i,
  input  wire           thr_we_i,     // load the layer / channel thresholds
  input  wire [N*8-1:0] thr_word_i,   // THR SRAM read data
  input  wire [15:0]    thr_base_i,   // per neuron: layer's base in THR SRAM
  input  wire [15:0]    out_addr_i,   // per neuron: output pixel address
  output wire [15:0]    thr_raddr_o,  // per neuron: THR SRAM read address
  input  wire [N*8-1:0] q_i,
  output wire [N*8-1:0] y_o
);
  wire [1:0] mode = Mode == 0 ? mode_i : Mode[1:0];

  reg  [7:0]     thr_layer_q;
  reg  [N*8-1:0] thr_ch_q;
  wire [N*8-1:0] thr;
  wire [15:0]    raddr = thr_base_i + out_addr_i;

  generate
    if (ThrSrc == 0 || ThrSrc == 3) begin : g_layer
      always @(posedge clk_i) if (thr_we_i) thr_layer_q <= thr_word_i[7:0];
    end else begin : g_no_layer
      always @* thr_layer_q = 8'd0;
    end
    if (ThrSrc == 1 || ThrSrc == 3) begin : g_channel
      always @(posedge clk_i) if (thr_we_i) thr_ch_q <= thr_word_i;
    end else begin : g_no_channel
      always @* thr_ch_q = {N*8{1'b0}};
    end
    if (ThrSrc == 2 || ThrSrc == 3) begin : g_neuron_addr
      assign thr_raddr_o = raddr;
    end else begin : g_no_neuron_addr
      assign thr_raddr_o = 16'd0;
    end
  endgenerate

  genvar c;
  generate
    for (c = 0; c < N; c = c + 1) begin : g_lane
      wire [7:0] thr_sel;
      if (ThrSrc == 0) begin : g_thr
        assign thr_sel = thr_layer_q;
      end else if (ThrSrc == 1) begin : g_thr
        assign thr_sel = thr_ch_q[c*8 +: 8];
      end else if (ThrSrc == 2) begin : g_thr
        assign thr_sel = thr_word_i[c*8 +: 8];
      end else begin : g_thr
        assign thr_sel = thr_src_i == 2'd1 ? thr_ch_q[c*8 +: 8] :
                         thr_src_i == 2'd2 ? thr_word_i[c*8 +: 8] : thr_layer_q;
      end
      assign thr[c*8 +: 8] = Mode == 1 ? 8'd0 : thr_sel;
      ftsa_clip u_clip (
        .q_i    (q_i[c*8 +: 8]),
        .mode_i (mode),
        .zp_i   (zp_i),
        .thr_i  (thr[c*8 +: 8]),
        .y_o    (y_o[c*8 +: 8])
      );
    end
  endgenerate

  wire unused_ok = &{1'b0, clk_i, thr_we_i, mode_i, thr_src_i, raddr, thr_word_i, thr,
                      thr_layer_q, thr_ch_q};
endmodule
