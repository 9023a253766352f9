# ftsa_rtl_rev(DIR VAR): the RTL revision, the first 16 hex digits of the
# SHA-256 over the names and contents of DIR's .v, .vh and .vlt files (sorted
# by name).  `ftsa --version` prints it and a test-vector package records it,
# so both name the same RTL.
function(ftsa_rtl_rev dir var)
  file(GLOB_RECURSE files RELATIVE ${dir} ${dir}/*.v ${dir}/*.vh ${dir}/*.vlt)
  list(SORT files)
  set(sum "")
  foreach(f ${files})
    file(SHA256 ${dir}/${f} h)
    string(APPEND sum "${f} ${h}\n")
  endforeach()
  string(SHA256 rev "${sum}")
  string(SUBSTRING ${rev} 0 16 rev)
  list(LENGTH files n)
  set(${var} ${rev} PARENT_SCOPE)
  set(${var}_FILES ${n} PARENT_SCOPE)
endfunction()
