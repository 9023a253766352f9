// Shared by ftsa_secded_enc and ftsa_secded_dec (included inside the module).
// Hamming position of data bit j: the j-th integer from 3 up that is not a
// power of two.  Position p holds data bit p - 1 - (powers of two <= p), so
// p = j + 1 + k with k the number of powers of two not above it.
function automatic [31:0] ftsa_secded_pos;
  input integer j;
  integer k;
  begin
    k = 0;
    while ((1 << k) <= j + 1 + k) k = k + 1;
    ftsa_secded_pos = j + 1 + k;
  end
endfunction
