// Test fixture for fst_toggles: a 4-bit counter run for 16 clock cycles from
// reset writes an FST whose toggle counts are known exactly: counter bits
// 16 + 8 + 4 + 2 = 30 toggles, the clock 32, en_q 2 and high for 161 time
// units (1 ns steps, t = 1 .. 162).
module tb_toggles;
  reg       clk = 1'b0;
  reg       en_q = 1'b0;
  reg [3:0] count_q = 4'd0;
  integer   i;
  always @(posedge clk) if (en_q) count_q <= count_q + 4'd1;
  initial begin
    $dumpfile("tb_toggles.fst");
    $dumpvars(0, tb_toggles);
    #1 en_q = 1'b1;
    for (i = 0; i < 32; i = i + 1) #5 clk = !clk;
    #1 en_q = 1'b0;
    #4 $finish;
  end
endmodule
