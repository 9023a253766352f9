// Shared by the plain Verilog benches tb_xsim.v and tb_axi.v (included inside
// the module): the clock, the driver's run sequence of docs/host-interface.md
// and the test's main program.  The bench provides clk, cycles, rst_n,
// csr_write(addr, value), csr_read(addr, value), busy, bus_error, mem and the
// integers below.
// Loads image.hex, runs the setup and the inference stream (each must end
// with STATUS = DONE and RUN_CYCLES - STALL_CYCLES = the zero-wait length
// +setup_cycles / +infer_cycles), checks that host memory holds no X and
// writes it to result.hex.  +stall=S seeds the bench's memory stalls.
  task cycle;
    begin
      #5 clk = 1'b1;
      #5 clk = 1'b0;
      cycles = cycles + 64'd1;
    end
  endtask

  task run(input integer queue, input integer expect_cycles);
    reg [31:0] run_cycles, stall_cycles, status;
    begin
      csr_write(8'h08, queue);   // CMDQ_ADDR
      csr_write(8'h00, 32'd1);   // CTRL.START
      #1 while (busy) begin cycle; #1; end
      csr_read(8'h04, status);
      csr_read(8'h14, run_cycles);
      csr_read(8'h34, stall_cycles);
      if (status !== 32'd2 || bus_error !== 1'b0) begin
        $display("%m: STATUS 0x%08x (bus error %b) after the stream at 0x%08x", status,
                 bus_error, queue);
        $finish;
      end
      if (run_cycles - stall_cycles !== expect_cycles) begin
        $display("%m: stream at 0x%08x: RUN_CYCLES %0d - STALL_CYCLES %0d, zero-wait %0d",
                 queue, run_cycles, stall_cycles, expect_cycles);
        $finish;
      end
      $display("%m: stream at 0x%08x: %0d cycles, %0d of them stalls", queue, run_cycles,
               stall_cycles);
    end
  endtask

  initial begin
    if (!$value$plusargs("words=%d", words) || !$value$plusargs("setup=%d", setup) ||
        !$value$plusargs("infer=%d", infer) || !$value$plusargs("setup_cycles=%d", setup_cycles) ||
        !$value$plusargs("infer_cycles=%d", infer_cycles)) begin
      $display("%m: need +words= +setup= +infer= +setup_cycles= +infer_cycles=");
      $finish;
    end
    if (!$value$plusargs("stall=%d", stall)) stall = 0;
    seed = stall;
    for (i = 0; i < MaxWords; i = i + 1) mem[i] = 32'd0;
    $readmemh("image.hex", mem, 0, words - 1);
    cycle; cycle;          // reset held for two cycles
    rst_n = 1'b1;
    cycle;
    run(setup, setup_cycles);
    run(infer, infer_cycles);
    xwords = 0;
    for (i = 0; i < words; i = i + 1)
      if (^mem[i] === 1'bx) begin
        if (xwords == 0) $display("%m: host word %0d (byte 0x%0x) holds X", i, 4 * i);
        xwords = xwords + 1;
      end
    if (xwords != 0) begin
      $display("%m: %0d host words hold X", xwords);
      $finish;
    end
    $writememh("result.hex", mem, 0, words - 1);
    $display("%m: done after %0d cycles, no X in host memory", cycles);
    $finish;
  end
