// Self-checking testbench of ftsa_secded_enc / ftsa_secded_dec for one data
// width: on Words random words it checks a clean read, every single-bit flip
// of the code word (data and check bits: corrected, single_o), and random
// double flips (detected, double_o, never reported as corrected).
// Prints "PASS" or "FAIL ..." and exits through $finish; run by ctest.
module tb_secded;
  parameter integer DataW = 64;
  parameter integer Words = 200;
  localparam integer ParW   = $clog2(DataW + $clog2(DataW) + 1);
  localparam integer CheckW = ParW + 1;
  localparam integer CodeW  = DataW + CheckW;

  reg  [DataW-1:0]  data;
  wire [CheckW-1:0] check;
  reg  [CodeW-1:0]  flip;
  wire [DataW-1:0]  data_rd;
  wire [CheckW-1:0] check_rd;
  wire [DataW-1:0]  corrected;
  wire              single, double;

  assign {check_rd, data_rd} = {check, data} ^ flip;

  // FTSA_GATE_LEVEL: the modules are Yosys netlists (scripts/synth) of one
  // width, without parameters.
`ifdef FTSA_GATE_LEVEL
  ftsa_secded_enc u_enc (
`else
  ftsa_secded_enc #(.DataW(DataW)) u_enc (
`endif
    .data_i  (data),
    .check_o (check)
  );
`ifdef FTSA_GATE_LEVEL
  ftsa_secded_dec u_dec (
`else
  ftsa_secded_dec #(.DataW(DataW)) u_dec (
`endif
    .data_i   (data_rd),
    .check_i  (check_rd),
    .data_o   (corrected),
    .single_o (single),
    .double_o (double)
  );

  integer seed, w, b, b2, k, errors, singles, doubles;

  task expect_result(input exp_single, input exp_double, input exp_fixed);
    begin
      #1;
      if (single !== exp_single || double !== exp_double ||
          (exp_fixed && corrected !== data)) begin
        errors = errors + 1;
        if (errors <= 10)
          $display("FAIL DataW=%0d data=%h flip=%h single=%b double=%b corrected=%h",
                   DataW, data, flip, single, double, corrected);
      end
    end
  endtask

  initial begin
    seed = 1;
    if ($value$plusargs("seed=%d", seed)) ;
    errors = 0; singles = 0; doubles = 0;
    // minimality of the closed-form parity width
    if ((1 << ParW) < DataW + ParW + 1 || (1 << (ParW - 1)) >= DataW + ParW) begin
      $display("FAIL parity width %0d is not minimal for DataW=%0d", ParW, DataW);
      errors = errors + 1;
    end
    for (w = 0; w < Words; w = w + 1) begin
      for (k = 0; k < DataW; k = k + 32) data[k +: 32] = $random(seed);
      if (w == 0) data = {DataW{1'b0}};
      if (w == 1) data = {DataW{1'b1}};
      flip = {CodeW{1'b0}};
      expect_result(1'b0, 1'b0, 1'b1);
      for (b = 0; b < CodeW; b = b + 1) begin
        flip = {CodeW{1'b0}};
        flip[b] = 1'b1;
        expect_result(1'b1, 1'b0, 1'b1);
        singles = singles + 1;
      end
      for (k = 0; k < 2 * CodeW; k = k + 1) begin
        b  = {$random(seed)} % CodeW;
        b2 = {$random(seed)} % CodeW;
        if (b2 == b) b2 = (b + 1) % CodeW;
        flip = {CodeW{1'b0}};
        flip[b] = 1'b1;
        flip[b2] = 1'b1;
        expect_result(1'b0, 1'b1, 1'b0);
        doubles = doubles + 1;
      end
    end
    if (errors == 0)
      $display("PASS DataW=%0d check bits=%0d words=%0d single flips=%0d double flips=%0d",
               DataW, CheckW, Words, singles, doubles);
    else
      $display("FAIL DataW=%0d: %0d mismatches", DataW, errors);
    $finish;
  end
endmodule
