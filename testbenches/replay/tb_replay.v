// Replay bench: runs a test-vector package (`ftsa export vectors`,
// docs/vectors.md) on ftsa_top and checks every layer's output and cycle
// stamps, the length of every run and the host bus (range, X).  Plain
// Verilog-2005: no plusargs needed, no $system, no SystemVerilog.
//
// Run it in the package directory; it reads params.hex, memory.hex,
// inputs.hex, layout.hex, seq.hex, masks.hex and expect.hex there.
// Parameters (-P tb_replay.X=V under Icarus, -GX=V under Verilator): ArrayN
// must be the package's array side; the Max* sizes bound the package.
// Prints "replay: PASS ..." or "replay: FAIL ..." with the first mismatch
// (image, layer, word, cycle); the script that runs it decides the exit code.
`timescale 1ns / 1ps
module tb_replay;
  parameter integer ArrayN    = 8;
  parameter integer MaxWords  = 1 << 20; // host memory, 32-bit words
  parameter integer MaxInput  = 1 << 18; // inputs.hex words
  parameter integer MaxExpect = 1 << 20; // expect.hex words
  parameter integer MaxSteps  = 1 << 14;
  parameter integer MaxMasks  = 1 << 12;
  parameter integer MaxLayers = 256;
  parameter integer MaxUpsets = 1 << 10; // upsets armed for one run
  parameter integer Slack     = 1000;    // cycles past a run's expected length before it counts as hung
  parameter integer Stall     = 0;       // > 0: random host-bus stalls with this seed (outputs
                                         // checked, stamps not; RUN_CYCLES - STALL_CYCLES <= expected)

  localparam integer FltW = 32 * ArrayN;
  localparam [31:0] Magic = 32'h66747361; // "ftsa"
  // Sequence operations (drivers/include/ftsa/vectors.h).
  localparam [7:0] OpEnd = 8'd0, OpReset = 8'd1, OpCsr = 8'd2, OpRun = 8'd3, OpLoad = 8'd4,
                   OpCheck = 8'd5, OpFault = 8'd6, OpUpset = 8'd7;
  localparam [7:0] CsrStatus = 8'h04, CsrRunCycles = 8'h14, CsrStallCycles = 8'h34;

  // ------------------------------------------------------------ DUT
  reg             clk = 1'b0, rst_n = 1'b0;
  reg             csr_we = 1'b0;
  reg  [7:0]      csr_addr = 8'd0;
  reg  [31:0]     csr_wdata = 32'd0;
  wire [31:0]     csr_rdata;
  wire            hv, hwe, busy;
  wire [31:0]     ha, hwd;
  reg             rv = 1'b0;
  reg  [31:0]     rd = 32'd0;
  reg             flt_we = 1'b0;
  reg  [2:0]      flt_mem = 3'd0;
  reg  [1:0]      flt_kind = 2'd0;
  reg  [15:0]     flt_addr = 16'd0;
  reg  [FltW-1:0] flt_data = {FltW{1'b0}};

  ftsa_top #(.ArrayN(ArrayN)) dut (
    .clk_i (clk), .rst_ni (rst_n),
    .csr_we_i (csr_we), .csr_addr_i (csr_addr), .csr_wdata_i (csr_wdata), .csr_rdata_o (csr_rdata),
    .hreq_valid_o (hv), .hreq_we_o (hwe), .hreq_addr_o (ha), .hreq_wdata_o (hwd),
    .hreq_ready_i (ready), .hrsp_valid_i (rv), .hrsp_rdata_i (rd), .busy_o (busy)
`ifdef FTSA_FAULTS
    , .flt_we_i (flt_we), .flt_mem_i (flt_mem), .flt_kind_i (flt_kind), .flt_addr_i (flt_addr),
    .flt_data_i (flt_data)
`endif
  );

  // ------------------------------------------------------------ package
  reg [31:0]     params [0:15];
  reg [31:0]     mem    [0:MaxWords-1];
  reg [31:0]     wcyc   [0:MaxWords-1]; // cycle of the last host write to the word
  reg            outw   [0:MaxWords-1]; // a layer output or stamp word (may be written)
  reg [31:0]     inputs [0:MaxInput-1];
  reg [127:0]    layout [0:MaxLayers-1]; // host word, words, stamp word, ct
  reg [127:0]    seq    [0:MaxSteps-1];
  reg [FltW-1:0] masks  [0:MaxMasks-1];
  reg [31:0]     expv   [0:MaxExpect-1];
  reg [31:0]     up_cyc [0:MaxUpsets-1];
  reg [19:0]     up_loc [0:MaxUpsets-1]; // memory, word
  reg [31:0]     up_msk [0:MaxUpsets-1];

  integer words, images, layers, in_base, in_words, steps, n_masks, n_expect;
  integer n_up, up_ptr, i, l, pc;
  reg [31:0] cycles = 32'd0;     // clock edges since time 0
  reg [31:0] image_origin = 32'd0;
  reg        done = 1'b0;

  // What went wrong first, per kind, and counts.
  integer    bad_words = 0, bad_stamps = 0, bad_runs = 0, bad_bus = 0, bad_status = 0, stray = 0;
  reg        have_first = 1'b0;
  reg [31:0] f_image, f_layer, f_word, f_addr, f_want, f_got, f_cyc, f_ct, f_s0, f_origin;
  reg        f_stamp;
  reg [31:0] bus_cyc, bus_addr, stray_cyc, stray_addr, stray_data;
  reg [31:0] run_want_first, run_got_first, run_id_first;

  function [31:0] fld(input [127:0] e, input integer k); // field k of an entry, 0 = bits 127:96
    fld = e[127 - 32 * k -: 32];
  endfunction

  // ------------------------------------------------------------ host memory
  // Host memory, driven at the falling edge.  Zero-wait (Stall = 0, as the
  // simulator shim, sim/src/ftsa_sim.cpp): hreq_ready_i high, a read's data
  // in the cycle after its transfer, a write performed at its transfer.
  // Stall = S > 0: ready drops and read data comes late at random (seed S),
  // in order (docs/host-interface.md).
  wire [31:0] hidx = ha >> 2;
  wire        in_range = ha[1:0] == 2'b00 && hidx < words;
  localparam integer QDepth = 16;        // reads in flight at most
  reg  [31:0] q_data [0:QDepth-1];
  reg  [31:0] q_due  [0:QDepth-1];
  integer     q_head = 0, q_tail = 0, q_n = 0, seed = Stall;
  reg  [31:0] due, last_due = 32'd0, mcyc = 32'd0; // the memory's own cycle count
  reg         ready = 1'b1;

  always @(negedge clk) begin
    ready = Stall == 0 || ($random(seed) & 3) != 0;
    rv = q_n != 0 && q_due[q_head] == mcyc;
    rd = rv ? q_data[q_head] : 32'd0;
    if (rv) begin
      q_head = (q_head + 1) % QDepth;
      q_n    = q_n - 1;
    end
    if (hv !== 1'b0 && hv !== 1'b1 && rst_n) begin
      if (bad_bus == 0) begin bus_cyc = cycles; bus_addr = 32'hxxxxxxxx; end
      bad_bus = bad_bus + 1;
    end else if (hv === 1'b1 && ready) begin
      if (hwe !== 1'b0 && hwe !== 1'b1 || ^ha === 1'bx || !in_range) begin
        if (bad_bus == 0) begin bus_cyc = cycles; bus_addr = ha; end
        bad_bus = bad_bus + 1;
      end else if (hwe) begin
        mem[hidx]  = hwd;
        wcyc[hidx] = cycles;
        if (!outw[hidx]) begin
          if (stray == 0) begin stray_cyc = cycles; stray_addr = ha; stray_data = hwd; end
          stray = stray + 1;
        end
      end else begin
        if (q_n == QDepth) begin
          $display("replay: ERROR: more than %0d host reads in flight", QDepth);
          $finish;
        end
        due = mcyc + 32'd1;
        if (Stall != 0 && ($random(seed) & 3) == 0)
          due = due + 1 + (($random(seed) & 32'h7fffffff) % 3);
        if (q_n != 0 && due <= last_due) due = last_due + 32'd1;
        q_data[q_tail] = mem[hidx];
        q_due[q_tail]  = due;
        last_due       = due;
        q_tail = (q_tail + 1) % QDepth;
        q_n    = q_n + 1;
      end
    end
    mcyc = mcyc + 32'd1;
  end

  // ------------------------------------------------------------ stimulus
  task tick;
    begin
      #5 clk = 1'b1;
      cycles = cycles + 32'd1;
      #5 clk = 1'b0;
    end
  endtask

  task csr_write(input [7:0] addr, input [31:0] value);
    begin
      csr_we = 1'b1; csr_addr = addr; csr_wdata = value;
      tick;
      csr_we = 1'b0; csr_addr = 8'd0; csr_wdata = 32'd0;
    end
  endtask

  task fault_drive(input [2:0] m, input [1:0] kind, input [15:0] addr, input [31:0] mask);
    begin
      flt_we = 1'b1; flt_mem = m; flt_kind = kind; flt_addr = addr; flt_data = masks[mask];
    end
  endtask

  task fault_idle;
    begin
      flt_we = 1'b0; flt_mem = 3'd0; flt_kind = 2'd0; flt_addr = 16'd0; flt_data = {FltW{1'b0}};
    end
  endtask

  // Clock while busy, driving the armed upsets at their run cycles.
  task run(input [31:0] want, input [31:0] id, input [31:0] image);
    reg [31:0] rc, busy_cycles, stalls;
    begin
      if (image != 32'hffffffff) image_origin = cycles;
      rc = 32'd0;
      up_ptr = 0;
      while (busy === 1'b1 && rc < (Stall != 0 ? 4 * want : want) + Slack) begin
        while (up_ptr < n_up && up_cyc[up_ptr] < rc) up_ptr = up_ptr + 1;
        if (up_ptr < n_up && up_cyc[up_ptr] == rc)
          fault_drive(up_loc[up_ptr][19:17], 2'd3, up_loc[up_ptr][15:0], up_msk[up_ptr]);
        tick;
        fault_idle;
        rc = rc + 32'd1;
      end
      n_up = 0;
      // Under stalls the run is longer by its stall cycles (at most: a late
      // read may hide in the shadow of another wait).
      csr_addr = CsrRunCycles;
      #1 busy_cycles = csr_rdata;
      csr_addr = CsrStallCycles;
      #1 stalls = Stall != 0 ? csr_rdata : 32'd0;
      if (busy !== 1'b0 || (Stall == 0 ? rc != want : busy_cycles - stalls > want)) begin
        if (bad_runs == 0) begin run_id_first = id; run_want_first = want; run_got_first = rc; end
        bad_runs = bad_runs + 1;
        $display("replay: run %0d (%0s%0d) lasted %0d%0s cycles (%0d stalled), expected %0d", id,
                 image == 32'hffffffff ? "setup" : "image ", image == 32'hffffffff ? 0 : image,
                 rc, busy === 1'b1 ? "+ (still busy)" : (busy !== 1'b0 ? " (busy is X)" : ""),
                 stalls, want);
      end else if (Stall != 0)
        $display("replay: run %0d: %0d cycles, %0d of them stalled; %0d without stalls, expected %0d",
                 id, rc, stalls, busy_cycles - stalls, want);
      csr_addr = CsrStatus;
      #1 if (csr_rdata !== 32'd2) begin
        bad_status = bad_status + 1;
        $display("replay: run %0d: STATUS 0x%08x after the run, expected 0x00000002 (DONE)", id,
                 csr_rdata);
      end
      csr_addr = 8'd0;
    end
  endtask

  task load_input(input [31:0] k);
    begin
      for (i = 0; i < in_words; i = i + 1) mem[in_base + i] = inputs[k * in_words + i];
    end
  endtask

  // Compare host memory with image k's expected words: every layer's output
  // words, then its two stamps.
  task check(input [31:0] k);
    integer p, base, n, s, bad0, bad_c0;
    reg [31:0] got, want, g0, g1, e0, e1;
    begin
      p = k * (n_expect / images);
      bad0 = bad_words;
      bad_c0 = bad_stamps;
      for (l = 0; l < layers; l = l + 1) begin
        base = fld(layout[l], 0);
        n    = fld(layout[l], 1);
        s    = fld(layout[l], 2);
        for (i = 0; i < n; i = i + 1) begin
          got  = mem[base + i];
          want = expv[p + i];
          if (got !== want) begin
            if (!have_first) begin
              have_first = 1'b1; f_stamp = 1'b0;
              f_image = k; f_layer = l; f_word = i; f_addr = 4 * (base + i); f_want = want;
              f_got = got; f_cyc = wcyc[base + i]; f_ct = fld(layout[l], 3); f_s0 = expv[p + n];
              f_origin = image_origin;
            end
            bad_words = bad_words + 1;
          end
        end
        g0 = mem[s]; g1 = mem[s + 1];
        e0 = expv[p + n]; e1 = expv[p + n + 1];
        if (Stall == 0 && (g0 !== e0 || g1 !== e1)) begin
          if (!have_first) begin
            have_first = 1'b1; f_stamp = 1'b1;
            f_image = k; f_layer = l; f_word = g0 !== e0 ? 0 : 1; f_addr = 4 * (s + f_word);
            f_want = g0 !== e0 ? e0 : e1; f_got = g0 !== e0 ? g0 : g1; f_cyc = wcyc[s + f_word];
            f_s0 = e0; f_origin = image_origin;
          end
          $display("replay: image %0d layer %0d: %0d cycles (stamps %0d..%0d), expected %0d (%0d..%0d)",
                   k, l, g1 - g0, g0, g1, e1 - e0, e0, e1);
          bad_stamps = bad_stamps + 1;
        end
        p = p + n + 2;
      end
      $display("replay: image %0d: %0d mismatching output words, %0d layers with other stamps, inference %0d cycles",
               k, bad_words - bad0, bad_stamps - bad_c0, cycles - image_origin);
    end
  endtask

  task report;
    reg [31:0] lane;
    begin
      if (have_first) begin
        if (f_stamp)
          $display("replay: first mismatch: image %0d, layer %0d, %0s stamp (host byte 0x%08x): expected %0d, got %0d",
                   f_image, f_layer, f_word == 0 ? "start" : "end", f_addr, f_want, f_got);
        else begin
          lane = f_word * 4;
          $display("replay: first mismatch: image %0d, layer %0d, output word %0d (host byte 0x%08x; pixel %0d, channels %0d..%0d): expected 0x%08x, got 0x%08x",
                   f_image, f_layer, f_word, f_addr, lane / ArrayN / f_ct,
                   (lane / ArrayN) % f_ct * ArrayN + lane % ArrayN,
                   (lane / ArrayN) % f_ct * ArrayN + lane % ArrayN + 3, f_want, f_got);
        end
        if (f_cyc == 32'hffffffff)
          $display("replay:   the RTL never wrote that word");
        else if (f_cyc < f_origin)
          $display("replay:   the RTL did not write it during image %0d's run (last write at cycle %0d)",
                   f_image, f_cyc);
        else
          $display("replay:   the RTL wrote it at cycle %0d, run cycle %0d of image %0d (layer %0d's expected start stamp: %0d)",
                   f_cyc, f_cyc - f_origin, f_image, f_layer, f_s0);
      end
      if (bad_runs != 0)
        $display("replay: first run of another length: run %0d lasted %0d cycles, expected %0d",
                 run_id_first, run_got_first, run_want_first);
      if (bad_bus != 0)
        $display("replay: %0d bad host-bus cycles (X or out of range), first at cycle %0d, address 0x%08x",
                 bad_bus, bus_cyc, bus_addr);
      if (stray != 0)
        $display("replay: %0d host writes outside every layer output, first at cycle %0d: 0x%08x <= 0x%08x",
                 stray, stray_cyc, stray_addr, stray_data);
      if (bad_words != 0 || bad_stamps != 0 || bad_runs != 0 || bad_bus != 0 || bad_status != 0 ||
          stray != 0)
        $display("replay: FAIL: %0d output words, %0d layer stamps, %0d run lengths, %0d STATUS, %0d bus, %0d stray writes differ (%0d images, %0d cycles)",
                 bad_words, bad_stamps, bad_runs, bad_status, bad_bus, stray, images, cycles);
      else
        $display("replay: PASS: %0d images, %0d layers, %0d expected words, %0d cycles, no X%0s",
                 images, layers, n_expect, cycles,
                 Stall != 0 ? " (random stalls: outputs checked, stamps not)" : "");
    end
  endtask

  task fatal(input [8*80-1:0] why);
    begin
      $display("replay: ERROR: %0s", why);
      $display("replay: FAIL: the package cannot be replayed");
      $finish;
    end
  endtask

  // ------------------------------------------------------------ main
  reg [127:0] e;
  initial begin
    for (i = 0; i < 16; i = i + 1) params[i] = 32'd0;
    $readmemh("params.hex", params, 0, 10);
    if (params[0] !== Magic) fatal("params.hex is not an ftsa test-vector package");
    if (params[1] !== 32'd1) fatal("package format version is not 1");
    if (params[2] != ArrayN) begin
      $display("replay: ERROR: the package is for a %0dx%0d array, this bench has ArrayN = %0d",
               params[2], params[2], ArrayN);
      fatal("rebuild the bench with the package's ArrayN");
    end
    words = params[3]; images = params[4]; layers = params[5]; in_base = params[6];
    in_words = params[7]; steps = params[8]; n_masks = params[9]; n_expect = params[10];
    if (words > MaxWords || images * in_words > MaxInput || n_expect > MaxExpect ||
        steps > MaxSteps || n_masks > MaxMasks || layers > MaxLayers) begin
      $display("replay: ERROR: package sizes (words %0d, inputs %0d, expected %0d, steps %0d, masks %0d, layers %0d) exceed the bench's Max* parameters",
               words, images * in_words, n_expect, steps, n_masks, layers);
      fatal("raise MaxWords, MaxInput, MaxExpect, MaxSteps, MaxMasks or MaxLayers");
    end
    for (i = 0; i < words; i = i + 1) begin
      mem[i] = 32'd0; wcyc[i] = 32'hffffffff; outw[i] = 1'b0;
    end
    $readmemh("memory.hex", mem, 0, words - 1);
    $readmemh("inputs.hex", inputs, 0, images * in_words - 1);
    $readmemh("layout.hex", layout, 0, layers - 1);
    $readmemh("seq.hex", seq, 0, steps - 1);
    $readmemh("expect.hex", expv, 0, n_expect - 1);
    if (n_masks > 0) $readmemh("masks.hex", masks, 0, n_masks - 1);
    for (l = 0; l < layers; l = l + 1) begin
      for (i = 0; i < fld(layout[l], 1); i = i + 1) outw[fld(layout[l], 0) + i] = 1'b1;
      outw[fld(layout[l], 2)] = 1'b1;
      outw[fld(layout[l], 2) + 1] = 1'b1;
    end
    n_up = 0;
    for (pc = 0; pc < steps && !done; pc = pc + 1) begin
      e = seq[pc];
      case (e[127:120])
        OpEnd: done = 1'b1;
        OpReset: begin
          rst_n = 1'b0;
          for (i = 0; i < fld(e, 1); i = i + 1) tick;
          rst_n = 1'b1;
          for (i = 0; i < fld(e, 2); i = i + 1) tick;
        end
        OpCsr: csr_write(e[103:96], fld(e, 1));
        OpRun: run(fld(e, 1), fld(e, 2), fld(e, 3));
        OpLoad: load_input(fld(e, 1));
        OpCheck: check(fld(e, 1));
        OpFault: begin
`ifndef FTSA_FAULTS
          fatal("the package drives the fault port: compile with -DFTSA_FAULTS");
`endif
          fault_drive(e[102:100], e[97:96], e[79:64], fld(e, 2));
          tick;
          fault_idle;
        end
        OpUpset: begin
`ifndef FTSA_FAULTS
          fatal("the package drives the fault port: compile with -DFTSA_FAULTS");
`endif
          if (n_up >= MaxUpsets) fatal("more upsets in one run than MaxUpsets");
          if (Stall != 0) fatal("upsets are timed to zero-wait run cycles: replay with Stall = 0");
          up_cyc[n_up] = fld(e, 3);
          up_loc[n_up] = {e[98:96], 1'b0, e[79:64]};
          up_msk[n_up] = fld(e, 2);
          n_up = n_up + 1;
        end
        default: begin
          $display("replay: ERROR: step %0d has unknown operation %0d", pc, e[127:120]);
          fatal("seq.hex is corrupt");
        end
      endcase
    end
    if (!done) fatal("seq.hex ends without an END step");
    report;
    $finish;
  end
endmodule
