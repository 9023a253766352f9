// Activation / clip unit on an int8 value, as ftsa_activate() in quant.c:
// none, ReLU max(q, zp), clip-to-zero (q outside [zp, thr] -> zp), saturate
// min(max(q, zp), thr).  Combinational.
module ftsa_clip (
  input  wire [7:0] q_i,
  input  wire [1:0] mode_i, // FTSA_ACT_* of quant.h
  input  wire [7:0] zp_i,
  input  wire [7:0] thr_i,
  output reg  [7:0] y_o
);
  wire below = $signed(q_i) < $signed(zp_i);
  wire above = $signed(q_i) > $signed(thr_i);

  always @* begin
    case (mode_i)
      2'd1:    y_o = below ? zp_i : q_i;
      2'd2:    y_o = (below || above) ? zp_i : q_i;
      2'd3:    y_o = below ? zp_i : above ? thr_i : q_i;
      default: y_o = q_i;
    endcase
  end
endmodule
