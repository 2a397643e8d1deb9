# bash completion for reprise: commands, options, component names, spec files, and
# the node names and sweep axes of the spec on the command line (for --force and for
# overrides like nodes.NAME.param= and sweep.AXIS=). The words come from
# `reprise complete WHAT [SPEC]`, so they are the spec's own, includes merged.
#   source tools/completion/reprise.bash   (cmake --install puts it where
#   bash-completion finds it: share/bash-completion/completions/reprise)

_reprise_words() {  # WHAT [SPEC]
  "${COMP_WORDS[0]}" complete "$@" 2>/dev/null
}

_reprise() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local command=${COMP_WORDS[1]} spec="" i
  for ((i = 2; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == *.yaml || ${COMP_WORDS[i]} == *.yml ]] && { spec=${COMP_WORDS[i]}; break; }
  done
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W "$(_reprise_words commands) --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --force) [[ -n $spec ]] && COMPREPLY=($(compgen -W "$(_reprise_words nodes "$spec")" -- "$cur")); return ;;
    --out|--cache|--dir|--allow-path|--merge) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  case $command in
    describe) COMPREPLY=($(compgen -W "$(_reprise_words components) --json" -- "$cur")) ;;
    list) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
    cache) COMPREPLY=($(compgen -W "ls verify gc --out --cache --keep-runs" -- "$cur")) ;;
    report) COMPREPLY=($(compgen -d -W "--merge --out --title" -- "$cur")) ;;
    export) COMPREPLY=($(compgen -d -W "--sweep --output --cache" -- "$cur")) ;;
    diff) COMPREPLY=($(compgen -d -- "$cur")) ;;
    reproduce) COMPREPLY=($(compgen -W "--quick --only --dir --jobs --out --cache --quiet" -- "$cur")) ;;
    run|plan|graph)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--jobs --out --cache --force --dry-run --shard --keep-going --sandbox --allow-path --quiet --verbose --help" -- "$cur"))
      elif [[ -z $spec ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))
      elif [[ $cur == nodes.* ]]; then
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -P nodes. -S . -W "$(_reprise_words nodes "$spec")" -- "${cur#nodes.}"))
      elif [[ $cur == sweep.* ]]; then
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -P sweep. -S = -W "$(_reprise_words axes "$spec")" -- "${cur#sweep.}"))
      else
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "nodes. sweep. seed= name=" -- "$cur"))
      fi ;;
  esac
}

complete -F _reprise reprise tools/reprise
