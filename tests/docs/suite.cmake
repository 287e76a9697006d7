# The doc-test: every command of README.md and docs/*.md (```sh blocks, Python examples, and the
# example outputs marked with <!-- doctest ... -->) is run in a scratch copy of the repository
# with the built zonesim on PATH; exit codes and shown outputs must match (tests/docs/README.md).
# Label: docs.
add_test(NAME docs.commands
  COMMAND ${ZONESIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/doccheck.py
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(docs.commands PROPERTIES
  ENVIRONMENT "ZONESIM=$<TARGET_FILE:zonesim>;ZONESIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};MPLBACKEND=Agg"
  LABELS docs
  TIMEOUT 600)
# The doc-test's own rules (extraction, masks, `...`, exit codes) on made-up documents, and the
# indicator table of docs/output.md against the code.
add_test(NAME docs.doccheck_rules
  COMMAND ${ZONESIM_PYTHON} -m unittest -v test_doccheck test_reference_tables
  WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(docs.doccheck_rules PROPERTIES LABELS docs TIMEOUT 60)
