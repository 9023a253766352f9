// TFLite requantization of one int32 accumulator to int8, bit-exact with
// ftsa_requantize() in c-model/src/quant.c:
//   shifted = acc << max(shift, 0)                         (wraps in 32 bits)
//   high    = SaturatingRoundingDoublingHighMul(shifted, multiplier)
//   scaled  = RoundingDivideByPOT(high, max(-shift, 0))
//   q       = clamp(scaled + out_zp, -128, 127)
// Purely combinational; shift_i in [-31, 31].
module ftsa_requant (
  input  wire [31:0] acc_i,
  input  wire [31:0] mult_i,
  input  wire [7:0]  shift_i,
  input  wire [7:0]  zp_i,
  output wire [7:0]  q_o
);
  wire        shift_pos = !shift_i[7] && shift_i != 8'd0;
  wire [4:0]  lshift    = shift_pos ? shift_i[4:0] : 5'd0;
  wire [4:0]  rshift    = shift_pos ? 5'd0 : 5'd0 - shift_i[4:0]; // -shift for shift in [-31, 0]

  wire [31:0] shifted = acc_i << lshift;

  // SaturatingRoundingDoublingHighMul: (a*b + nudge) / 2^31, truncating toward zero.
  wire signed [63:0] ab      = $signed(shifted) * $signed(mult_i);
  wire signed [63:0] nudge   = ab[63] ? (64'sd1 - (64'sd1 <<< 30)) : (64'sd1 <<< 30);
  wire signed [63:0] sum     = ab + nudge;
  wire signed [63:0] floor31 = sum >>> 31;
  wire               round_up_trunc = sum[63] && (sum[30:0] != 31'd0);
  wire signed [63:0] trunc31 = round_up_trunc ? floor31 + 64'sd1 : floor31;
  wire               both_min = shifted == 32'h8000_0000 && mult_i == 32'h8000_0000;
  wire [31:0]        high    = both_min ? 32'h7fff_ffff : trunc31[31:0];

  // RoundingDivideByPOT: round half away from zero.
  wire [31:0]        mask      = (32'd1 << rshift) - 32'd1;
  wire [31:0]        remainder = high & mask;
  wire [31:0]        threshold = (mask >> 1) + {31'd0, high[31]};
  wire signed [31:0] divided   = $signed(high) >>> rshift;
  wire signed [33:0] scaled    = {{2{divided[31]}}, divided}
                               + {33'd0, remainder > threshold}
                               + {{26{zp_i[7]}}, zp_i};

  assign q_o = scaled < -34'sd128 ? 8'h80 :
               scaled >  34'sd127 ? 8'h7f : scaled[7:0];

  // Only the low 32 bits of the product feed the result after the shift.
  wire unused_ok = &{1'b0, trunc31[63:32], shift_i[6:5]};
endmodule
