// Fixed delay line of Stages registers (Stages = 0 is a wire).
module ftsa_delay #(
  parameter integer Width  = 8,
  parameter integer Stages = 1
) (
  input  wire             clk_i,
  input  wire [Width-1:0] d_i,
  output wire [Width-1:0] q_o
);
  generate
    if (Stages == 0) begin : g_wire
      assign q_o = d_i;
    end else begin : g_regs
      reg [Width-1:0] pipe_q [0:Stages-1];
      integer s;
      always @(posedge clk_i) begin
        pipe_q[0] <= d_i;
        for (s = 1; s < Stages; s = s + 1) pipe_q[s] <= pipe_q[s-1];
      end
      assign q_o = pipe_q[Stages-1];
    end
  endgenerate
endmodule
