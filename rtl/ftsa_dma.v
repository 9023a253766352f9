// DMA between the host-memory bus and the SRAMs, one 32-bit beat per cycle.
// Load: host words are gathered into SRAM words (beats per word from the
// memory's width) and written in order from sram_i.  Store: each SRAM word is
// read and sent as beats.  Host bus (docs/host-interface.md): a request
// transfers when hreq_valid_o && hreq_ready_i; read data comes back in request
// order on hrsp_valid_i, one cycle after the transfer at the earliest.  Load
// reads are issued back to back without waiting for their data.  stall_o marks
// the cycles the bus costs beyond a zero-wait bus (ready high, data one cycle
// later): a store beat not accepted, a load cycle after the first without data.
module ftsa_dma #(
  parameter integer N    = 8,
  parameter integer DmaW = 32 * N // widest SRAM word (accumulator)
) (
  input  wire            clk_i,
  input  wire            rst_ni,
  input  wire            start_i,   // pulse while idle
  input  wire            store_i,   // 1: SRAM -> host, 0: host -> SRAM
  input  wire [2:0]      mem_i,
  input  wire [19:0]     count_i,   // SRAM words
  input  wire [31:0]     host_i,    // host byte address
  input  wire [15:0]     sram_i,    // first SRAM word
  output wire            busy_o,
  // host bus
  output reg             hreq_valid_o,
  output reg             hreq_we_o,
  output reg  [31:0]     hreq_addr_o,
  output reg  [31:0]     hreq_wdata_o,
  input  wire            hreq_ready_i,
  input  wire            hrsp_valid_i,
  input  wire [31:0]     hrsp_rdata_i,
  output wire            stall_o,
  // SRAM side
  output wire [2:0]      mem_o,
  output wire            wr_we_o,
  output wire [15:0]     wr_addr_o,
  output wire [DmaW-1:0] wr_data_o,
  output wire            rd_re_o,
  output wire [15:0]     rd_addr_o,
  input  wire [DmaW-1:0] rd_data_i
);
  `include "ftsa_regs.vh"

  localparam [2:0] StIdle = 3'd0, StLoad = 3'd1, StRead = 3'd2, StLatch = 3'd3, StWrite = 3'd4;

  reg [2:0]      state_q;
  reg            store_q;
  reg [2:0]      mem_q;
  reg [19:0]     words_q;      // words not yet written (load) / sent (store)
  reg [24:0]     issue_q;      // load beats not yet requested
  reg [31:0]     haddr_q;
  reg [15:0]     saddr_q;
  reg [7:0]      beat_q;       // beat within the current word
  reg [DmaW-1:0] word_q;
  reg            wr_q;
  reg            ld_run_q;     // past the first load cycle (data expected every cycle)

  wire [7:0] beats = mem_i == `FTSA_MEM_PAR ? 8'd3 :
                     mem_i == `FTSA_MEM_ACC ? N[7:0] : N[7:0] / 8'd4;
  reg  [7:0] beats_q;
  wire       word_done = beat_q == beats_q - 8'd1;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      wr_q    <= 1'b0;
    end else begin
      wr_q <= 1'b0;
      case (state_q)
        StIdle: if (start_i) state_q <= count_i == 20'd0 ? StIdle : store_i ? StRead : StLoad;
        StLoad: begin
          if (hrsp_valid_i && word_done) begin
            wr_q <= 1'b1;
            if (words_q == 20'd1) state_q <= StIdle;
          end
        end
        StRead:  state_q <= StLatch;
        StLatch: state_q <= StWrite;
        StWrite: if (hreq_ready_i && word_done) state_q <= words_q == 20'd1 ? StIdle : StRead;
        default: state_q <= StIdle;
      endcase
    end
  end

  always @(posedge clk_i) begin
    case (state_q)
      StIdle: begin
        store_q <= store_i;
        mem_q   <= mem_i;
        words_q <= count_i;
        issue_q <= count_i * beats;
        beats_q <= beats;
        haddr_q <= host_i;
        saddr_q <= sram_i;
        beat_q  <= 8'd0;
        ld_run_q <= 1'b0;
      end
      StLoad: begin
        ld_run_q <= 1'b1;
        if (issue_q != 25'd0 && hreq_ready_i) begin
          issue_q <= issue_q - 25'd1;
          haddr_q <= haddr_q + 32'd4;
        end
        if (hrsp_valid_i) begin
          word_q[beat_q*32 +: 32] <= hrsp_rdata_i;
          beat_q <= word_done ? 8'd0 : beat_q + 8'd1;
          if (word_done) words_q <= words_q - 20'd1;
        end
        if (wr_q) saddr_q <= saddr_q + 16'd1;
      end
      StLatch: word_q <= rd_data_i;
      StWrite: if (hreq_ready_i) begin
        haddr_q <= haddr_q + 32'd4;
        beat_q  <= word_done ? 8'd0 : beat_q + 8'd1;
        if (word_done) begin
          words_q <= words_q - 20'd1;
          saddr_q <= saddr_q + 16'd1;
        end
      end
      default: ;
    endcase
  end

  always @* begin
    hreq_valid_o = 1'b0;
    hreq_we_o    = 1'b0;
    hreq_addr_o  = haddr_q;
    hreq_wdata_o = word_q[beat_q*32 +: 32];
    case (state_q)
      StLoad:  hreq_valid_o = issue_q != 25'd0;
      StWrite: begin
        hreq_valid_o = 1'b1;
        hreq_we_o    = 1'b1;
      end
      default: ;
    endcase
  end

  assign busy_o    = state_q != StIdle || wr_q;
  assign stall_o   = state_q == StWrite ? !hreq_ready_i
                   : state_q == StLoad && ld_run_q && !hrsp_valid_i;
  assign mem_o     = mem_q;
  assign wr_we_o   = wr_q;
  assign wr_addr_o = saddr_q;
  assign wr_data_o = word_q;
  assign rd_re_o   = state_q == StRead;
  assign rd_addr_o = saddr_q;

  wire unused_ok = &{1'b0, store_q};
endmodule
