# Build steps for the widget folder, run by wasm/CMakeLists.txt as `cmake -P` custom commands.
#
#   cmake -DMODE=stamp -DSOURCE=web/colloquy.js "-DPARTS=web/colloquy-post.js|web/colloquy-more.js|..."
#         -DWIDGET=<widget> -DNODE=node -DTERSER=node_modules/.bin/terser -DSETUP=wasm/setup.mjs -P widget.cmake
#     Writes the shipped scripts, minified by terser: each of PARTS (the scripts the loader
#     fetches when needed) as <widget>/colloquy-<name>.js, then <widget>/colloquy.js, which is
#     SOURCE with the core's defaults and English messages (SETUP run on <widget>/colloquy.wasm)
#     in place of /*@COLLOQUY_SETUP@*/null, and in place of /*@COLLOQUY_VERSIONS@*/{} the table
#     {"colloquy.wasm": hash, "colloquy-fr.wasm": hash, ..., "colloquy-stories.wasm": hash,
#     "colloquy-post.wasm": hash, "colloquy.css": hash, "colloquy-post.js": hash, ...} (every
#     colloquy-*.wasm in <widget>: the languages' reading modules too), each hash the
#     first 8 hex digits of the SHA-256 of the file as shipped, so the loader asks for
#     colloquy.wasm?v=<hash> and so on: a new build is a new URL, and a server may cache those
#     URLs for good; and in place of /*@COLLOQUY_CODES@*/{} the codes the scripts raise
#     themselves, {"name": "name", ...} for each CODES.<name> in SOURCE (each one a registry
#     code: ctest error_registry checks them against colloquy::error_codes); each of PARTS that
#     raises codes gets its own table in the same way, so the reading page carries only the
#     loader's.
#
#   cmake -DMODE=count -DSOURCE=web/colloquy-count.js -DWIDGET=<widget> -DNODE=node
#         -DTERSER=node_modules/.bin/terser -DSETUP=<colloquy_count_setup.js> -P widget.cmake
#     Writes <widget>/colloquy-count.js: SOURCE with the core's count table (SETUP, run by node)
#     in place of /*@COLLOQUY_COUNT_SETUP@*/null, minified.
#
#   cmake -DMODE=compress -DFILE=<widget>/colloquy.wasm -DZOPFLI=... -DBROTLI=... -P widget.cmake
#     Writes FILE.gz (zopfli: gzip that any client inflates, ~5% smaller than gzip -9, no name,
#     no time stamp) and FILE.br (brotli -q 11) next to FILE, both deterministic, for servers
#     that send precompressed files; prints one line with the three sizes in bytes.
#
#   cmake -DMODE=report -DDIR=<widget> [-DBUDGET=wasm/size-budget.txt] -P widget.cmake
#     Prints the size report of what ships (each file raw, gzip, brotli, and the widget's total
#     on a page that reads comments: colloquy.js + colloquy.css + colloquy.wasm; then what a page
#     fetches only when it needs it, colloquy-*.wasm and colloquy-*.js: colloquy-stories.wasm
#     with data-stories, colloquy-post.js and colloquy-post.wasm when a reader starts writing, ...). With BUDGET, fails when a figure is
#     over its budget (the file holds "NAME BYTES" lines: colloquy.wasm.gz 40000, total.gz
#     60000, colloquy-post.wasm.br 50000, ...).
cmake_minimum_required(VERSION 3.20)

# Minifies `input` into `output` (two compress passes: 10 bytes less of colloquy.js gzip than
# one); the "/*!" licence comment stays.
function(minify input output)
  execute_process(COMMAND "${NODE}" "${TERSER}" "${input}" --compress passes=2 --mangle --comments "/^!/" --output "${output}"
    RESULT_VARIABLE result ERROR_VARIABLE error)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "terser failed on ${input}: ${error}")
  endif()
endfunction()

# The codes `scripts` raise themselves (each CODES.<name> in them, in the order first used) as
# the table {"name":"name",...} in `out`. That each is a registry code is ctest error_registry's.
function(codes_table out scripts)
  set(used)
  foreach(script ${scripts})
    file(READ "${script}" js)
    string(REGEX MATCHALL "CODES\\.[a-z0-9_]+" found "${js}")
    list(TRANSFORM found REPLACE "^CODES\\." "")
    list(APPEND used ${found})
  endforeach()
  list(REMOVE_DUPLICATES used)
  list(TRANSFORM used REPLACE "^(.+)$" "\"\\1\":\"\\1\"")
  string(JOIN "," table ${used})
  set(${out} "{${table}}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "stamp")
  string(REPLACE "|" ";" PARTS "${PARTS}")
  set(files)
  foreach(part ${PARTS})
    get_filename_component(file "${part}" NAME)
    # A script that raises codes itself holds its own table (the reading page carries only the
    # loader's): in place of its /*@COLLOQUY_CODES@*/{}, as in the loader.
    file(READ "${part}" js)
    codes_table(codes "${part}")
    string(FIND "${js}" "/*@COLLOQUY_CODES@*/{}" at)
    if(at EQUAL -1 AND NOT codes STREQUAL "{}")
      message(FATAL_ERROR "${part} uses CODES.… but has no /*@COLLOQUY_CODES@*/{} table")
    endif()
    string(REPLACE "/*@COLLOQUY_CODES@*/{}" "${codes}" js "${js}")
    file(WRITE "${WIDGET}/${file}.stamped.js" "${js}")
    minify("${WIDGET}/${file}.stamped.js" "${WIDGET}/${file}")
    file(REMOVE "${WIDGET}/${file}.stamped.js")
    list(APPEND files "${file}")
  endforeach()
  set(table "{")
  get_filename_component(dir "${WIDGET}" ABSOLUTE) # GLOB RELATIVE needs an absolute folder
  file(GLOB modules RELATIVE "${dir}" "${dir}/colloquy-*.wasm") # stories, posting, the languages
  list(SORT modules)
  foreach(file colloquy.wasm ${modules} colloquy.css ${files})
    file(SHA256 "${WIDGET}/${file}" hash)
    string(SUBSTRING "${hash}" 0 8 hash)
    string(APPEND table "\"${file}\":\"${hash}\",")
  endforeach()
  string(REGEX REPLACE ",$" "}" table "${table}")
  set(versions "/*@COLLOQUY_VERSIONS@*/{}" "${table}")
  execute_process(COMMAND "${NODE}" "${SETUP}" "${WIDGET}/colloquy.wasm" OUTPUT_VARIABLE setup RESULT_VARIABLE result)
  if(NOT result EQUAL 0 OR NOT setup MATCHES "^{\"defaults\":")
    message(FATAL_ERROR "${SETUP} gave no setup table (${result}): ${setup}")
  endif()
  codes_table(codes "${SOURCE}")
  list(APPEND versions "/*@COLLOQUY_SETUP@*/null" "${setup}" "/*@COLLOQUY_CODES@*/{}" "${codes}")
  file(READ "${SOURCE}" js)
  while(versions)
    list(POP_FRONT versions placeholder value)
    string(FIND "${js}" "${placeholder}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${SOURCE} has no ${placeholder}: the loader would miss it")
    endif()
    string(REPLACE "${placeholder}" "${value}" js "${js}")
  endwhile()
  file(WRITE "${WIDGET}/colloquy.stamped.js" "${js}")
  minify("${WIDGET}/colloquy.stamped.js" "${WIDGET}/colloquy.js")
  file(REMOVE "${WIDGET}/colloquy.stamped.js")
elseif(MODE STREQUAL "count")
  # (--no-experimental-fetch: Emscripten 3.1.6's glue would fetch() its .wasm by file path.)
  execute_process(COMMAND "${NODE}" --no-experimental-fetch "${SETUP}" OUTPUT_VARIABLE setup RESULT_VARIABLE result)
  if(NOT result EQUAL 0 OR NOT setup MATCHES "^{\"batch\":")
    message(FATAL_ERROR "${SETUP} gave no count table (${result}): ${setup}")
  endif()
  file(READ "${SOURCE}" js)
  string(FIND "${js}" "/*@COLLOQUY_COUNT_SETUP@*/null" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${SOURCE} has no /*@COLLOQUY_COUNT_SETUP@*/null: the script would miss its table")
  endif()
  string(REPLACE "/*@COLLOQUY_COUNT_SETUP@*/null" "${setup}" js "${js}")
  file(WRITE "${WIDGET}/colloquy-count.stamped.js" "${js}")
  minify("${WIDGET}/colloquy-count.stamped.js" "${WIDGET}/colloquy-count.js")
  file(REMOVE "${WIDGET}/colloquy-count.stamped.js")
elseif(MODE STREQUAL "compress")
  get_filename_component(dir "${FILE}" DIRECTORY)
  get_filename_component(name "${FILE}" NAME)
  execute_process(COMMAND "${ZOPFLI}" --gzip "${name}" WORKING_DIRECTORY "${dir}"
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
  string(APPEND report "fetched only when needed\n")
  get_filename_component(dir "${DIR}" ABSOLUTE) # GLOB RELATIVE needs an absolute folder
  file(GLOB extras RELATIVE "${dir}" "${dir}/colloquy-*.wasm" "${dir}/colloquy-*.js")
  list(SORT extras)
  foreach(name ${extras})
    foreach(kind raw gz br)
      set(suffix ".${kind}")
      if(kind STREQUAL "raw")
        set(suffix "")
      endif()
      file(SIZE "${DIR}/${name}${suffix}" size_${name}${suffix})
    endforeach()
    string(APPEND report "  ${name}\t${size_${name}}\t${size_${name}.gz}\t${size_${name}.br}\n")
  endforeach()
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
