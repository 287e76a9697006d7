# Compile settings shared by every zonesim target, applied per target (no global flags).
add_library(zonesim_options INTERFACE)
add_library(zonesim::options ALIAS zonesim_options)
target_compile_features(zonesim_options INTERFACE cxx_std_20)
target_compile_options(zonesim_options INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic>
  $<$<AND:$<CXX_COMPILER_ID:GNU,Clang>,$<BOOL:${ZONESIM_WERROR}>>:-Werror>)
if(ZONESIM_SANITIZE)
  target_compile_options(zonesim_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(zonesim_options INTERFACE -fsanitize=address,undefined)
endif()
# GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(zonesim_options INTERFACE -Wno-restrict)
endif()
