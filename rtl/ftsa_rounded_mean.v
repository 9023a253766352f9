// sum / count rounded half away from zero, clamped to int8, as
// ftsa_rounded_mean() in quant.c.  Combinational; |sum| < 2^23, count >= 1.
module ftsa_rounded_mean (
  input  wire [31:0] sum_i,
  input  wire [15:0] count_i,
  output wire [7:0]  mean_o
);
  wire [31:0] magnitude = sum_i[31] ? 32'd0 - sum_i : sum_i;
  wire [31:0] quotient  = (magnitude + {17'd0, count_i[15:1]}) / {16'd0, count_i};
  wire [31:0] signed_q  = sum_i[31] ? 32'd0 - quotient : quotient;
  assign mean_o = $signed(signed_q) < -32'sd128 ? 8'h80 :
                  $signed(signed_q) >  32'sd127 ? 8'h7f : signed_q[7:0];
endmodule
