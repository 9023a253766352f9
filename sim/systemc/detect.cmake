# Whether the SystemC platform (sim/systemc) is built: included by the top
# level before drivers/, bench/ and sim/ so all three agree.  Sets
# FTSA_HAVE_SYSTEMC.  Needs Verilator and SystemC (Debian libsystemc-dev,
# built for C++17).
option(FTSA_SYSTEMC "Build the SystemC TLM-2.0 platform and its back end (needs Verilator and SystemC)" ON)
set(FTSA_HAVE_SYSTEMC OFF)
if(FTSA_SYSTEMC AND NOT (DEFINED FTSA_RTL AND NOT FTSA_RTL))
  find_package(verilator QUIET HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)
  find_path(FTSA_SYSTEMC_INCLUDE systemc.h HINTS ENV SYSTEMC_INCLUDE)
  find_library(FTSA_SYSTEMC_LIBRARY systemc HINTS ENV SYSTEMC_LIBDIR)
  if(verilator_FOUND AND FTSA_SYSTEMC_INCLUDE AND FTSA_SYSTEMC_LIBRARY)
    set(FTSA_HAVE_SYSTEMC ON)
  else()
    message(WARNING "SystemC or Verilator not found: the SystemC platform and back end are not built "
                    "(install libsystemc-dev and verilator, or -DFTSA_SYSTEMC=OFF)")
  endif()
endif()
