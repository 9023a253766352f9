# Fuzz smoke tests in ctest (docs/fuzzing.md).  FTSA_FUZZ: AUTO (default)
# registers them when clang can link -fsanitize=fuzzer, ON requires that,
# OFF skips them.  fuzz_build builds fuzz/ (a clang project of its own) under
# the build tree; fuzz_smoke_<harness> then runs each harness for
# FTSA_FUZZ_SECONDS from its committed seeds.
set(FTSA_FUZZ AUTO CACHE STRING "libFuzzer smoke tests: AUTO, ON or OFF")
set(FTSA_FUZZ_SECONDS 5 CACHE STRING "Seconds of fuzzing per harness in ctest")
set(ftsa_fuzz_harnesses model idx faults config journal trace checkpoint)

function(ftsa_fuzz_setup)
  if(FTSA_FUZZ STREQUAL "OFF")
    message(STATUS "fuzz: FTSA_FUZZ=OFF, fuzz smoke tests not registered")
    return()
  endif()
  if(FTSA_SANITIZE)
    message(STATUS "fuzz: sanitizer build, fuzz smoke tests not registered (the release build "
                   "runs them; the harnesses are sanitized themselves)")
    return()
  endif()
  find_program(FTSA_CLANG NAMES clang clang-16 clang-15 clang-14)
  set(ok FALSE)
  if(FTSA_CLANG)
    set(probe ${CMAKE_BINARY_DIR}/fuzz-probe)
    file(WRITE ${probe}.c
         "#include <stddef.h>\n#include <stdint.h>\n"
         "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
    execute_process(COMMAND ${FTSA_CLANG} -fsanitize=fuzzer,address,undefined ${probe}.c -o ${probe}
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
      set(ok TRUE)
    endif()
  endif()
  if(NOT ok)
    if(FTSA_FUZZ STREQUAL "ON")
      message(FATAL_ERROR "fuzz: FTSA_FUZZ=ON but clang cannot link -fsanitize=fuzzer "
                          "(install clang and libclang-rt-14-dev)")
    endif()
    message(STATUS "fuzz: no clang with libFuzzer, fuzz smoke tests not registered "
                   "(install clang and libclang-rt-14-dev)")
    return()
  endif()
  message(STATUS "fuzz: ${FTSA_CLANG} has libFuzzer: ctest builds fuzz/ and runs each harness "
                 "for ${FTSA_FUZZ_SECONDS} s")
  set(bin ${CMAKE_BINARY_DIR}/fuzz)
  set(sh ${PROJECT_SOURCE_DIR}/fuzz/smoke.sh)
  add_test(NAME fuzz_build COMMAND sh ${sh} build ${PROJECT_SOURCE_DIR} ${bin} ${FTSA_CLANG})
  set_tests_properties(fuzz_build PROPERTIES FIXTURES_SETUP ftsa_fuzz_bin TIMEOUT 900)
  foreach(h IN LISTS ftsa_fuzz_harnesses)
    add_test(NAME fuzz_smoke_${h}
             COMMAND sh ${sh} run ${bin} ${PROJECT_SOURCE_DIR} ${h} ${FTSA_FUZZ_SECONDS})
    set_tests_properties(fuzz_smoke_${h} PROPERTIES FIXTURES_REQUIRED ftsa_fuzz_bin
                         TIMEOUT 120 ENVIRONMENT "OPENBLAS_NUM_THREADS=1")
  endforeach()
endfunction()
ftsa_fuzz_setup()
