# Writes OUT, a C++ header holding each of FILES (a ;-list) as a string constant named after
# it (admin.js -> admin_js), so that `colloquy serve` carries its moderation page inside the
# binary: nothing to install beside it, nothing that can drift from the server's version.
set(text "// Generated from examples/colloquy/admin/ by embed.cmake: do not edit.\n#pragma once\n\nnamespace colloquy::server::admin_files {\n")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  string(MAKE_C_IDENTIFIER ${name} id)
  file(READ ${f} content)
  string(FIND "${content}" ")colloquy_embed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${f} holds the raw string delimiter")
  endif()
  string(APPEND text "inline constexpr const char* ${id} = R\"colloquy_embed(${content})colloquy_embed\";\n")
endforeach()
string(APPEND text "}  // namespace colloquy::server::admin_files\n")
file(WRITE ${OUT} "${text}")
