# Scripts plugin "default": nothing of its own; the group's and node's own prescript,
# partscript and postscript do all the work. Each segment holds a lone ':' because an empty
# body is a syntax error where a segment becomes a function body.

#@ segment prescript
:

#@ segment partscript
:

#@ segment postscript
:
