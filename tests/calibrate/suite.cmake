# `zonesim calibrate` under mpirun -np 2 gives a file bit-identical to the one-process run
# (label "mpi"; needs zonesim built with ZONESIM_WITH_MPI and mpiexec).
if(ZONESIM_WITH_MPI AND MPIEXEC_EXECUTABLE)
  add_test(NAME calibrate_mpi_matches_local
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/mpi_check.sh $<TARGET_FILE:zonesim> ${MPIEXEC_EXECUTABLE}
                   ${ZONESIM_PYTHON} ${PROJECT_SOURCE_DIR}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(calibrate_mpi_matches_local PROPERTIES LABELS "mpi" TIMEOUT 180)
endif()
