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
#
#   cmake -DMODE=report -DDIR=<widget> [-DBUDGET=wasm/size-budget.txt] -P widget.cmake
#     Prints the size report of what ships (each file raw, gzip, brotli, and the widget's total:
#     colloquy.js + colloquy.css + colloquy.wasm). With BUDGET, fails when a figure is over its
#     budget (the file holds "NAME BYTES" lines: colloquy.wasm.gz 40000, total.gz 60000, ...).
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
elseif(MODE STREQUAL "report")
  set(report "widget size report (bytes)    raw     gzip   brotli\n")
  foreach(kind raw gz br)
    set(total_${kind} 0)
  endforeach()
  foreach(name colloquy.js colloquy.css colloquy.wasm)
    file(SIZE "${DIR}/${name}" size_raw)
    file(SIZE "${DIR}/${name}.gz" size_gz)
    file(SIZE "${DIR}/${name}.br" size_br)
    foreach(kind raw gz br)
      math(EXPR total_${kind} "${total_${kind}} + ${size_${kind}}")
    endforeach()
    set(size_${name}.gz ${size_gz})
    set(size_${name}.br ${size_br})
    set(size_${name} ${size_raw})
    string(APPEND report "  ${name}\t\t${size_raw}\t${size_gz}\t${size_br}\n")
  endforeach()
  set(size_total ${total_raw})
  set(size_total.gz ${total_gz})
  set(size_total.br ${total_br})
  string(APPEND report "  total\t\t\t${total_raw}\t${total_gz}\t${total_br}\n")
  message("${report}")
  if(BUDGET)
    file(STRINGS "${BUDGET}" lines REGEX "^[a-z]")
    set(over "")
    foreach(line ${lines})
      string(REGEX MATCH "^([^ ]+) +([0-9]+)" _ "${line}")
      set(name "${CMAKE_MATCH_1}")
      set(limit "${CMAKE_MATCH_2}")
      if(NOT DEFINED size_${name})
        message(FATAL_ERROR "${BUDGET}: unknown figure ${name}")
      endif()
      if(size_${name} GREATER limit)
        string(APPEND over "  ${name}: ${size_${name}} bytes, budget ${limit}\n")
      else()
        message("  ${name}: ${size_${name}} <= ${limit}")
      endif()
    endforeach()
    if(over)
      message(FATAL_ERROR "over the size budget (${BUDGET}):\n${over}")
    endif()
  endif()
else()
  message(FATAL_ERROR "widget.cmake: MODE must be stamp, compress or report")
endif()
