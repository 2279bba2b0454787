# Colloquy's third-party headers under emcmake (used by the build and by the installed
# colloquyConfig.cmake alike). There find_package() is re-rooted into the emscripten sysroot, and
# /usr/include must never reach the include path: it drags in glibc's headers
# (bits/wordsize.h not found). So a header-only library from /usr/include is offered as an
# imported target whose include folder holds nothing but a link to that library's own folder.

# Links the top folder of `header` (nlohmann/json.hpp: nlohmann) from /usr/include into
# `links`; sets `found` in the caller to whether the header exists.
function(colloquy_link_header header links found)
  string(MAKE_C_IDENTIFIER "COLLOQUY_HEADER_${header}" dir)
  find_path(${dir} ${header} PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH)
  set(${found} FALSE PARENT_SCOPE)
  if(NOT ${dir})
    return()
  endif()
  string(REGEX REPLACE "/.*" "" top "${header}")
  file(MAKE_DIRECTORY "${links}")
  if(NOT EXISTS "${links}/${top}")
    file(CREATE_LINK "${${dir}}/${top}" "${links}/${top}" SYMBOLIC)
  endif()
  set(${found} TRUE PARENT_SCOPE)
endfunction()

#   colloquy_header_target(nlohmann_json::nlohmann_json nlohmann/json.hpp <folder for the links>)
# defines the target unless it exists; the caller decides whether a missing header is an error.
function(colloquy_header_target target header links)
  if(TARGET ${target})
    return()
  endif()
  colloquy_link_header(${header} "${links}" found)
  if(found)
    add_library(${target} INTERFACE IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${links}")
  endif()
endfunction()
