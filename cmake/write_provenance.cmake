# Writes the version and git hash of the checkout into OUT from IN (cmake -P script, run at every
# build by the stf_provenance target). configure_file leaves OUT untouched when nothing changed, so
# only a new commit or a change of the dirty state recompiles it.
# Inputs: SOURCE_DIR, IN, OUT, PROJECT_VERSION.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE STF_GIT_HASH OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE STF_GIT_DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT STF_GIT_HASH)
  set(STF_GIT_HASH "unknown")
elseif(STF_GIT_DIRTY)
  string(APPEND STF_GIT_HASH "-dirty")
endif()
configure_file(${IN} ${OUT} @ONLY)
