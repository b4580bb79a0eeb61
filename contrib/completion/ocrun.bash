# bash completion for ocrun. The commands and flags come from `ocrun --help` and
# `ocrun COMMAND --help`, which print the parser's own flag tables: what is offered is exactly what
# the binary accepts (tests/lint/cli_flags.py checks it).

# _ocrun_help [COMMAND]: "FLAG ARG" per flag line of the help ("-" when the flag takes no value).
_ocrun_help() {
  "${COMP_WORDS[0]}" "$@" --help 2>/dev/null |
    sed -nE 's/^  (-[a-zA-Z0-9], |    )(--[a-z0-9-]+)( ([^ ]+))?( .*)?$/\2 \4/p' |
    while read -r flag arg; do echo "$flag ${arg:--}"; done
}

_ocrun() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i
  local globals commands
  globals=$(_ocrun_help)
  commands=$("${COMP_WORDS[0]}" --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\) .*/\1/p')
  # The command is the first word that is not a global flag or a global flag's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      --*=*) ;;
      -*) grep -q -- "^${COMP_WORDS[i]} [^-]" <<<"$globals" && ((i++)) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  local table=$globals
  [[ -n $cmd ]] && table=$(_ocrun_help "$cmd")
  # The value of the flag before the cursor.
  local arg
  arg=$(awk -v f="$prev" '$1 == f { print $2 }' <<<"$table")
  case $arg in
    -|"") ;;
    FILE|DIR|SOCK|PATH) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    FORMAT)
      if [[ $prev == --log-format ]]; then COMPREPLY=($(compgen -W "text json" -- "$cur"))
      else COMPREPLY=($(compgen -W "table json" -- "$cur")); fi
      return ;;
    "[N]") [[ $cur != -* ]] && { COMPREPLY=($(compgen -W "1 2 5 10" -- "$cur")); return; } ;;
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(cut -d' ' -f1 <<<"$table")" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  else
    local root=/run/ocrun
    for ((i = 1; i < COMP_CWORD; i++)); do
      [[ ${COMP_WORDS[i]} == --root ]] && root=${COMP_WORDS[i+1]}
    done
    COMPREPLY=($(compgen -W "$(ls "$root" 2>/dev/null)" -- "$cur"))
  fi
}
complete -F _ocrun ocrun
