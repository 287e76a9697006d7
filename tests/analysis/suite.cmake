# Python tests of analysis/ (zonesim_analysis): each test_*.py module is one ctest test. They run
# the real zonesim binary on scenarios/demo.yaml, read the files back with the package and check
# the report in headless Chromium. Label: python.
file(GLOB ZONESIM_PY_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
foreach(test_file ${ZONESIM_PY_TESTS})
  get_filename_component(test_module ${test_file} NAME_WE)
  add_test(NAME python.${test_module}
    COMMAND ${ZONESIM_PYTHON} -m unittest -v ${test_module}
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
  set_tests_properties(python.${test_module} PROPERTIES
    ENVIRONMENT "PYTHONPATH=${PROJECT_SOURCE_DIR}/analysis;ZONESIM=$<TARGET_FILE:zonesim>;ZONESIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};MPLBACKEND=Agg;LC_ALL=C.UTF-8"
    LABELS python
    TIMEOUT 600)
endforeach()
