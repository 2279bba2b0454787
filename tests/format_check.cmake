# Fails when a C++ source differs from what .clang-format writes (run by ctest as format_check).
#   cmake -DCLANG_FORMAT=clang-format-14 -DSOURCE=<repository> -P format_check.cmake
# The generated tables (entities.hpp, unicode.hpp) are left as their generators write them.
file(GLOB_RECURSE sources LIST_DIRECTORIES false
  "${SOURCE}/include/*.hpp" "${SOURCE}/wasm/*.cpp" "${SOURCE}/wasm/*.hpp"
  "${SOURCE}/examples/*.cpp" "${SOURCE}/examples/*.hpp" "${SOURCE}/tests/*.cpp" "${SOURCE}/tests/*.hpp")
list(FILTER sources EXCLUDE REGEX "/include/colloquy/(entities|unicode)\\.hpp$")
execute_process(COMMAND "${CLANG_FORMAT}" --dry-run -Werror --style=file ${sources}
  RESULT_VARIABLE status ERROR_VARIABLE complaints)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${complaints}\nThese files are not as .clang-format writes them: run "
                      "${CLANG_FORMAT} -i --style=file on them.")
endif()
list(LENGTH sources n)
message(STATUS "${n} C++ files are as .clang-format writes them")
