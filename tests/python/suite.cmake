# Python tests of the zonesim package (analysis/zonesim, the pybind11 module zonesim._core) and of
# the run file as netCDF/xarray data: each test_*.py module is one ctest test, run by
# /usr/bin/python3 on scenarios/demo.yaml with few replications. Label: python.
if(ZONESIM_PYTHON_MODULE)  # set by sim/CMakeLists.txt when the module is built
  file(GLOB ZONESIM_BINDING_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
  foreach(test_file ${ZONESIM_BINDING_TESTS})
    get_filename_component(test_module ${test_file} NAME_WE)
    add_test(NAME python_binding.${test_module}
      COMMAND ${ZONESIM_PYTHON} -m unittest -v ${test_module}
      WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    set_tests_properties(python_binding.${test_module} PROPERTIES
      ENVIRONMENT "PYTHONPATH=${PROJECT_SOURCE_DIR}/analysis;ZONESIM=$<TARGET_FILE:zonesim>;ZONESIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};MPLBACKEND=Agg"
      LABELS python
      TIMEOUT 300)
  endforeach()
endif()
