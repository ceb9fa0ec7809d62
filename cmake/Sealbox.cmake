# Shared build rules: warnings, sanitizers, and the one-library-per-folder convention.

set(SEALBOX_WARNINGS -Wall -Wextra -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # GMime/GLib macros trip this one in clang only.
    list(APPEND SEALBOX_WARNINGS -Wno-gnu-statement-expression)
endif()

if(SEALBOX_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        # clang 14's -fsanitize=function cannot emit its prologue data for coroutine functions
        # ("Cannot represent a difference across sections"), which every session is.
        add_compile_options(-fno-sanitize=function)
    endif()
endif()
if(SEALBOX_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# sealbox_module(NAME DEPS ...): every .cpp in the current folder becomes library sealbox_NAME.
function(sealbox_module name)
    cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
    file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
    add_library(sealbox_${name} STATIC ${sources})
    target_include_directories(sealbox_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_compile_options(sealbox_${name} PRIVATE ${SEALBOX_WARNINGS})
    target_link_libraries(sealbox_${name} PUBLIC ${M_DEPS})
endfunction()

# sealbox_tests(NAME DEPS ...): every *_test.cpp in the current folder becomes test program test_NAME.
function(sealbox_tests name)
    cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
    file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
    if(NOT sources)
        return()
    endif()
    add_executable(test_${name} ${sources})
    target_compile_options(test_${name} PRIVATE ${SEALBOX_WARNINGS})
    target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
    target_link_libraries(test_${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(test_${name} PRIVATE
        SEALBOX_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        SEALBOX_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
    gtest_discover_tests(test_${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
        PROPERTIES ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp")
endfunction()
