# bash completion for ocrun
_ocrun() {
  local cur prev cmd i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="create start run state kill delete list spec features exec ps pause resume update events capacity checkpoint restore"
  local globals="--root --log --log-format --debug --systemd-cgroup --policy --criu --version --help"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      --root|--log|--log-format|--policy|--criu) ((i++)) ;;
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  case $prev in
    --bundle|-b|--root|--log|--policy|--process|-p|--pid-file|--console-socket|--resources|--cwd|--criu)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --image-path|--work-path|--parent-path) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --manage-cgroups-mode) COMPREPLY=($(compgen -W "soft full strict ignore" -- "$cur")); return ;;
    --empty-ns) COMPREPLY=($(compgen -W "network" -- "$cur")); return ;;
    --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --format|-f) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
    --watch|-w) [[ $cmd == capacity ]] && { COMPREPLY=($(compgen -W "1 2 5 10" -- "$cur")); return; } ;;
  esac
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$commands $globals" -- "$cur")); return
  fi
  local flags=""
  case $cmd in
    create) flags="--bundle --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds --vcpus --memory --cpu-cap --dry-run" ;;
    run) flags="--bundle --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds --detach --keep --vcpus --memory --cpu-cap" ;;
    kill) flags="--all" ;;
    delete) flags="--force" ;;
    list) flags="--quiet --format" ;;
    spec) flags="--bundle --rootless --vcpus --memory --cpu-cap" ;;
    exec) flags="--process --detach --pid-file --console-socket --tty --cwd --env --user --cap --no-new-privs --preserve-fds --additional-gids --ignore-paused" ;;
    ps) flags="--format" ;;
    update) flags="--resources --memory --memory-swap --memory-reservation --cpu-shares --cpu-quota --cpu-period --cpu-burst --cpuset-cpus --cpuset-mems --pids-limit --blkio-weight" ;;
    events) flags="--stats --interval" ;;
    capacity) flags="--format --watch --no-legend --explain --policy-dump --policy" ;;
    checkpoint) flags="--image-path --work-path --parent-path --leave-running --tcp-established --ext-unix-sk --shell-job --file-locks --pre-dump --manage-cgroups-mode --empty-ns --lazy-pages" ;;
    restore) flags="--image-path --work-path --bundle --detach --pid-file --console-socket --no-pivot --no-subreaper --tcp-established --ext-unix-sk --shell-job --file-locks --manage-cgroups-mode --empty-ns --lazy-pages" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags --help" -- "$cur"))
  else
    local root=/run/ocrun
    for ((i = 1; i < COMP_CWORD; i++)); do
      [[ ${COMP_WORDS[i]} == --root ]] && root=${COMP_WORDS[i+1]}
    done
    COMPREPLY=($(compgen -W "$(ls "$root" 2>/dev/null)" -- "$cur"))
  fi
}
complete -F _ocrun ocrun
