# Tests of `zonesim serve` against the real server on loopback (label: serve):
#   request_parser.test.cpp  Catch2 specifications of the request parser (in zonesim_tests)
#   serve.api      Python unittest with urllib/http.client: listing, levers, runs equal to
#                  `zonesim run`, diagnostics with key paths, path traversal, size and run limits,
#                  cancellation of abandoned runs and baselines, symbolic links, nested JSON
#   serve.api_properties  mutated requests to every route (methods, JSON, types, fields,
#                  overrides, units, names, HTTP): always a 4xx JSON error, never 5xx or a crash
#   serve.browser  the page in headless Debian Chromium (playwright-core, npm ci from
#                  package-lock.json when node_modules is missing); screenshots in the build dir
#   serve.browser_reports  the run, compare and sweep reports (en, zh) in the same browser, with
#                  screenshots (the same browser_test.mjs, BROWSER_PART=reports)
#   serve.load     1, 4 and 16 concurrent planners from a second process (about 20 s)
set(ZONESIM_SERVE_ENV
  "ZONESIM=$<TARGET_FILE:zonesim>;ZONESIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")

add_test(NAME serve.api
  COMMAND ${ZONESIM_PYTHON} -m unittest -v test_api
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(serve.api PROPERTIES ENVIRONMENT "${ZONESIM_SERVE_ENV}" LABELS serve TIMEOUT 240)

add_test(NAME serve.api_properties
  COMMAND ${ZONESIM_PYTHON} -m unittest -v test_api_properties
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(serve.api_properties PROPERTIES ENVIRONMENT "${ZONESIM_SERVE_ENV}" LABELS serve TIMEOUT 240)

foreach(part page reports)
  set(name serve.browser)
  if(part STREQUAL "reports")
    set(name serve.browser_reports)
  endif()
  add_test(NAME ${name}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run_browser_test.sh
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "${ZONESIM_SERVE_ENV};SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/tests/serve/screenshots;BROWSER_PART=${part};LC_ALL=C.UTF-8"
    LABELS serve TIMEOUT 600 SKIP_RETURN_CODE 77)
endforeach()

add_test(NAME serve.load
  COMMAND ${ZONESIM_PYTHON} load_test.py --clients 1,4,16 --seconds 5
          --json ${CMAKE_BINARY_DIR}/tests/serve/load.json
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(serve.load PROPERTIES ENVIRONMENT "${ZONESIM_SERVE_ENV}" LABELS "serve;load"
  TIMEOUT 180 RUN_SERIAL TRUE)

# The request parser's specifications (request_parser.test.cpp, in zonesim_tests: label unit, so
# the sanitizer build runs them too) call sim/src/serve/ directly.
target_link_libraries(zonesim_tests PRIVATE zonesim_serve Boost::headers)
target_include_directories(zonesim_tests PRIVATE ${PROJECT_SOURCE_DIR}/sim/src/serve)
target_compile_definitions(zonesim_tests PRIVATE BOOST_BIND_GLOBAL_PLACEHOLDERS)
