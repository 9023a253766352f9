// Shared by ftsa_secded_enc and ftsa_secded_dec (included inside the module).
// Hamming position of data bit j: the j-th integer from 3 up that is not a
// power of two, truncated to ParW bits (it always fits when ParW is the
// module's parity width).
function automatic [31:0] ftsa_secded_pos;
  input integer j;
  integer p, n;
  begin
    ftsa_secded_pos = 32'd0;
    n = 0;
    for (p = 3; n <= j; p = p + 1) begin
      if ((p & (p - 1)) != 0) begin
        if (n == j) ftsa_secded_pos = p;
        n = n + 1;
      end
    end
  end
endfunction
