# The consumer test (ctest cmake_consumer): installs the Colloquy build BUILD into a scratch
# prefix, then builds tests/consumer against that package and, again, through add_subdirectory
# of SOURCE, runs both programs and checks what they print.
# With -DEMCMAKE=emcmake (BUILD an emcmake build) the consumer is built to wasm and run by node.
#   cmake -DSOURCE=<checkout> -DBUILD=<build dir> -DSCRATCH=<scratch dir> [-DLAUNCHER=ccache]
#         [-DEMCMAKE=emcmake -DNODE=node] -P run.cmake
foreach(var SOURCE BUILD SCRATCH)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake needs -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}")
set(consumer "${SOURCE}/tests/consumer")
set(common -DCMAKE_BUILD_TYPE=Debug)
if(LAUNCHER)
  list(APPEND common "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${command} failed (${status}):\n${out}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

# The program's output: the German byline and date, the reply one level down, emphasis rendered.
function(check program)
  if(EMCMAKE)
    run("${NODE}" "${program}.js")
  else()
    run("${program}")
  endif()
  foreach(expected [["ok":true]] [["count":2]] [[<span dir="auto">Mary D.</span> aus <span dir="auto">Kansas</span> schreibt:]] "25. September 2010"
      [[data-id="b" data-depth="1"]] "<em>Agreed</em>")
    string(FIND "${out}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${program} printed no '${expected}':\n${out}")
    endif()
  endforeach()
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${SCRATCH}/prefix")
foreach(file include/colloquy/api.hpp share/colloquy/cmake/colloquyConfig.cmake share/colloquy/cmake/colloquyTargets.cmake)
  if(NOT EXISTS "${SCRATCH}/prefix/${file}")
    message(FATAL_ERROR "the install has no ${file}")
  endif()
endforeach()

# The tools of a native build: `colloquy`, `colloquy-server` and the PostgreSQL module together,
# as each finds the next in its own folder. The installed tool reaches PostgreSQL (a refused
# connection here), never "PostgreSQL support is not available" (no module beside it).
if(NOT EMCMAKE AND EXISTS "${BUILD}/examples/colloquy")
  foreach(file bin/colloquy bin/colloquy-server bin/colloquy-postgresql.so)
    if(NOT EXISTS "${SCRATCH}/prefix/${file}")
      message(FATAL_ERROR "the install has no ${file}")
    endif()
  endforeach()
  execute_process(COMMAND "${SCRATCH}/prefix/bin/colloquy" export --db postgresql://nobody@127.0.0.1:1/x
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 1 OR NOT out MATCHES "^colloquy export: " OR out MATCHES "not available")
    message(FATAL_ERROR "the installed colloquy export --db postgresql://... exited ${status}, not at the "
      "connection:\n${out}")
  endif()
endif()

# (emcmake re-roots package search into the emscripten sysroot: there the package is named by its folder.)
if(EMCMAKE)
  set(find "-Dcolloquy_DIR=${SCRATCH}/prefix/share/colloquy/cmake")
else()
  set(find "-DCMAKE_PREFIX_PATH=${SCRATCH}/prefix")
endif()
run(${EMCMAKE} ${CMAKE_COMMAND} -S "${consumer}" -B "${SCRATCH}/installed" ${common} "${find}")
run(${CMAKE_COMMAND} --build "${SCRATCH}/installed")
check("${SCRATCH}/installed/render_seed")

run(${EMCMAKE} ${CMAKE_COMMAND} -S "${consumer}" -B "${SCRATCH}/subdirectory" ${common} "-DCOLLOQUY_SOURCE=${SOURCE}")
run(${CMAKE_COMMAND} --build "${SCRATCH}/subdirectory")
check("${SCRATCH}/subdirectory/render_seed")
message(STATUS "consumer: built and ran against the installed package and through add_subdirectory")
