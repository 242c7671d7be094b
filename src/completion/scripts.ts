/**
 * The completion scripts `cluster completion bash|zsh|fish` prints. Each is a thin shim: it hands
 * the words typed so far to `cluster __complete -- WORD…` (the same program, so it always knows
 * the installed version's commands and flags and reads the profiles of the moment) and turns the
 * answer — one `value<TAB>description` line per candidate, then `:files` or `:` — into the shell's
 * own completion.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const NAMES = 'cluster feldera-cluster';

const BASH = `# bash completion for cluster (Feldera cluster health). Install:
#   cluster completion bash > ~/.local/share/bash-completion/completions/cluster
# or add to ~/.bashrc:  source <(cluster completion bash)
_cluster_completion() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="\${COMP_WORDS[COMP_CWORD]}"
  local -a words
  read -r -a words <<< "$line"
  [[ $line =~ [[:space:]]$ ]] && words+=("")
  local out
  out=$("\${words[0]}" __complete -- "\${words[@]:1}" 2>/dev/null) || return 0
  local IFS=$'\\n' directive="\${out##*$'\\n'}" typed="\${words[\${#words[@]}-1]}"
  local -a values=()
  local l
  while IFS= read -r l; do
    [[ $l == :* ]] || values+=("\${l%%$'\\t'*}")
  done <<< "$out"
  # bash splits words at = and : (COMP_WORDBREAKS): offer only the part after them.
  local prefix="\${typed%"$cur"}"
  COMPREPLY=()
  for l in "\${values[@]}"; do COMPREPLY+=("\${l#"$prefix"}"); done
  [[ $directive == :files ]] && COMPREPLY+=($(compgen -f -- "$cur"))
  return 0
}
complete -o nosort -F _cluster_completion ${NAMES} 2>/dev/null || complete -F _cluster_completion ${NAMES}
`;

const ZSH = `#compdef ${NAMES}
# zsh completion for cluster (Feldera cluster health). Install:
#   cluster completion zsh > "\${fpath[1]}/_cluster"    (then restart zsh)
# or after compinit in ~/.zshrc:  source <(cluster completion zsh)
_cluster() {
  local out
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  local -a lines described
  lines=("\${(@f)out}")
  local directive=\${lines[-1]} l
  for l in "\${(@)lines[1,-2]}"; do
    described+=("\${\${l%%$'\\t'*}//:/\\\\:}:\${l#*$'\\t'}")
  done
  (( \${#described} )) && _describe -t values 'cluster' described
  [[ $directive == :files ]] && _files
  return 0
}
if [[ "\${funcstack[1]}" == _cluster ]]; then _cluster "$@"; else compdef _cluster ${NAMES}; fi
`;

const FISH = `# fish completion for cluster (Feldera cluster health). Install:
#   cluster completion fish > ~/.config/fish/completions/cluster.fish
function __cluster_complete
    set -l tokens (commandline -opc) (commandline -ct)
    set -l out ($tokens[1] __complete -- $tokens[2..-1] 2>/dev/null)
    or return
    set -l directive $out[-1]
    set -e out[-1]
    printf '%s\\n' $out
    if test "$directive" = ":files"
        __fish_complete_path (commandline -ct)
    end
end
complete -c cluster -f -a '(__cluster_complete)'
complete -c feldera-cluster -f -a '(__cluster_complete)'
`;

const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };

export function completionScript(shell: Shell): string {
  return SCRIPTS[shell];
}

/** The answer `__complete` prints: a line per candidate, then the directive. */
export function completionAnswer(c: { candidates: { value: string; description: string }[]; files: boolean }): string {
  const clean = (s: string) => s.replace(/[\t\n\r]/g, ' ');
  return (
    [...c.candidates.map((x) => `${clean(x.value)}\t${clean(x.description)}`), c.files ? ':files' : ':'].join('\n') +
    '\n'
  );
}
