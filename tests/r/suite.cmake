# The R example of docs/output.md (hdf5r, Debian's r-cran-hdf5r), run as written on a demo run.
# Skipped (ctest "Skipped", with the reason) only where Rscript is absent. Label: r.
add_test(NAME r.output_example
  COMMAND ${ZONESIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/run_output_example.py
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(r.output_example PROPERTIES
  ENVIRONMENT "ZONESIM=$<TARGET_FILE:zonesim>;ZONESIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};LANG=C.UTF-8;LC_ALL=C.UTF-8"
  SKIP_RETURN_CODE 77
  LABELS r
  TIMEOUT 300)
