# Tests of `zonesim serve` against the real server on loopback (label: serve):
#   serve.api      Python unittest with urllib/http.client: listing, levers, runs equal to
#                  `zonesim run`, diagnostics with key paths, path traversal, size and run limits,
#                  cancellation of abandoned runs
#   serve.browser  the page in headless Debian Chromium (playwright-core, npm ci from
#                  package-lock.json when node_modules is missing); screenshots in the build dir
#   serve.load     1, 4 and 16 concurrent planners from a second process (about 20 s)
set(ZONESIM_SERVE_ENV
  "ZONESIM=$<TARGET_FILE:zonesim>;ZONESIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")

add_test(NAME serve.api
  COMMAND ${ZONESIM_PYTHON} -m unittest -v test_api
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(serve.api PROPERTIES ENVIRONMENT "${ZONESIM_SERVE_ENV}" LABELS serve TIMEOUT 240)

add_test(NAME serve.browser
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run_browser_test.sh
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(serve.browser PROPERTIES
  ENVIRONMENT "${ZONESIM_SERVE_ENV};SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/tests/serve/screenshots"
  LABELS serve TIMEOUT 240 SKIP_RETURN_CODE 77)

add_test(NAME serve.load
  COMMAND ${ZONESIM_PYTHON} load_test.py --clients 1,4,16 --seconds 5
          --json ${CMAKE_BINARY_DIR}/tests/serve/load.json
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(serve.load PROPERTIES ENVIRONMENT "${ZONESIM_SERVE_ENV}" LABELS "serve;load"
  TIMEOUT 180 RUN_SERIAL TRUE)
