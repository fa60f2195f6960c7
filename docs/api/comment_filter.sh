#!/bin/sh
# Doxygen's INPUT_FILTER for the public headers: Samsa's comments are plain
# `//`, written for readers of the header. Doxygen reads a comment block
# above a declaration as its documentation once it is `///`, and a trailing
# `// ...` after a member as `///< ...`; the files are not changed, only what
# doxygen is given. An example indented by three spaces or more
# (`//   stream.filter(...)`) becomes a code block (markdown's four). In
# the comments <name> is a placeholder and & an ampersand, not HTML:
# escaped after the `///` only.
exec sed -E \
  -e 's#^([[:space:]]*)//([^/!<]|$)#\1///\2#' \
  -e 's#([;,{])[[:space:]]+//[[:space:]]#\1 ///< #' \
  -e 's#^([[:space:]]*///)(   +)#\1\2  #' \
  -e ':lt' -e 's#(///.*[^\\])<([A-Za-z_. -]+)>#\1\\<\2\\>#' -e 'tlt' \
  -e ':amp' -e 's#(///.*[^\\])&#\1\\\&#' -e 'tamp' \
  "$1"
