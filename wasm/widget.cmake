# Build steps for the widget folder, run by wasm/CMakeLists.txt as `cmake -P` custom commands.
#
#   cmake -DMODE=stamp -DSOURCE=web/colloquy.js -DOUTPUT=<widget>/colloquy.js
#         -DWASM=<widget>/colloquy.wasm -DCSS=<widget>/colloquy.css -P widget.cmake
#     Writes the shipped loader: SOURCE with @COLLOQUY_WASM_VERSION@ and @COLLOQUY_CSS_VERSION@
#     replaced by the first 16 hex digits of the SHA-256 of WASM and CSS as shipped, so the
#     loader asks for colloquy.wasm?v=<hash> and colloquy.css?v=<hash>: a new build is a new URL,
#     and a server may cache those URLs for good.
#
#   cmake -DMODE=compress -DFILE=<widget>/colloquy.wasm -DGZIP=... -DBROTLI=... -P widget.cmake
#     Writes FILE.gz (gzip -9 -n: no name, no time stamp) and FILE.br (brotli -q 11) next to
#     FILE, both deterministic, for servers that send precompressed files; prints one line with
#     the three sizes in bytes.
cmake_minimum_required(VERSION 3.20)

if(MODE STREQUAL "stamp")
  file(SHA256 "${WASM}" wasm_hash)
  file(SHA256 "${CSS}" css_hash)
  string(SUBSTRING "${wasm_hash}" 0 16 wasm_hash)
  string(SUBSTRING "${css_hash}" 0 16 css_hash)
  file(READ "${SOURCE}" js)
  foreach(placeholder @COLLOQUY_WASM_VERSION@ @COLLOQUY_CSS_VERSION@)
    string(FIND "${js}" "${placeholder}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${SOURCE} has no ${placeholder}: the loader would ask for unversioned files")
    endif()
  endforeach()
  string(REPLACE "@COLLOQUY_WASM_VERSION@" "${wasm_hash}" js "${js}")
  string(REPLACE "@COLLOQUY_CSS_VERSION@" "${css_hash}" js "${js}")
  file(WRITE "${OUTPUT}" "${js}")
elseif(MODE STREQUAL "compress")
  get_filename_component(dir "${FILE}" DIRECTORY)
  get_filename_component(name "${FILE}" NAME)
  execute_process(COMMAND "${GZIP}" -9 -n -k -f "${name}" WORKING_DIRECTORY "${dir}"
    RESULT_VARIABLE gzip_result)
  execute_process(COMMAND "${BROTLI}" -q 11 -k -f "${name}" WORKING_DIRECTORY "${dir}"
    RESULT_VARIABLE brotli_result)
  if(NOT gzip_result EQUAL 0 OR NOT brotli_result EQUAL 0)
    message(FATAL_ERROR "compressing ${FILE} failed (gzip: ${gzip_result}, brotli: ${brotli_result})")
  endif()
  # gzip and brotli give their output the input's time stamp; the build compares times.
  file(TOUCH "${FILE}.gz" "${FILE}.br")
  file(SIZE "${FILE}" raw)
  file(SIZE "${FILE}.gz" gz)
  file(SIZE "${FILE}.br" br)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E echo
    "widget ${name}: ${raw} bytes, gzip ${gz}, br ${br}")
else()
  message(FATAL_ERROR "widget.cmake: MODE must be stamp or compress")
endif()
