# pptp-suite.bash: bash completion for pptp-analyze and pptp-conform.
# Options are read from each program's --help (so they follow the program), scenario ids from
# `pptp-conform --list` (with the --scenarios folder given on the line), interfaces from /sys/class/net.
# make install puts it in share/bash-completion/completions (as pptp-analyze, and pptp-conform a link to it);
# by hand: `. completion/pptp-suite.bash`.

# _pptp_suite_words: COMP_WORDS up to the cursor with "--opt" "=" "value" joined back ("--opt=value")
# sets _ps_cur (the word being completed), _ps_prev (the option before it, if the value is separate or after '=')
# and _ps_eq (1 when the value follows '=').
_pptp_suite_words()
{
	local cw=$COMP_CWORD
	_ps_cur=${COMP_WORDS[cw]}
	_ps_prev=${COMP_WORDS[cw - 1]}
	_ps_eq=0
	if [[ $_ps_cur == = ]]; then
		_ps_cur=
		_ps_eq=1
		_ps_prev=${COMP_WORDS[cw - 1]}
	elif [[ $_ps_prev == = ]] && ((cw >= 2)); then
		_ps_eq=1
		_ps_prev=${COMP_WORDS[cw - 2]}
	elif [[ $_ps_cur == --*=* ]]; then
		# COMP_WORDBREAKS without '=': the value is in the same word
		_ps_eq=1
		_ps_prev=${_ps_cur%%=*}
		_ps_cur=${_ps_cur#*=}
	fi
}

# the long options of a program, from its --help ("--list-rules[=FORMAT]" gives --list-rules)
_pptp_suite_longopts()
{
	"$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

_pptp_suite_files() # [dirs]: file names (or folders only), marked so readline quotes them and adds '/' to folders
{
	local IFS=$'\n'
	if [[ $1 == dirs ]]; then
		COMPREPLY=($(compgen -d -- "$_ps_cur"))
	else
		COMPREPLY=($(compgen -f -- "$_ps_cur"))
	fi
	compopt -o filenames 2>/dev/null
}

_pptp_suite_ifaces()
{
	local d names=()
	for d in /sys/class/net/*; do
		[[ -e $d ]] && names+=("${d##*/}")
	done
	COMPREPLY=($(compgen -W "${names[*]} any" -- "$_ps_cur"))
}

_pptp_analyze()
{
	local prog=${COMP_WORDS[0]}
	COMPREPLY=()
	_pptp_suite_words
	case $_ps_prev in
	-r | --password-file | --credentials | --write-decrypted | -w | --wordlist | --svg)
		_pptp_suite_files
		return
		;;
	-i | --interface)
		_pptp_suite_ifaces
		return
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "error warning info none" -- "$_ps_cur"))
		return
		;;
	--list-rules)
		if ((_ps_eq)); then
			COMPREPLY=($(compgen -W "text markdown json" -- "$_ps_cur"))
			return
		fi
		;;
	--color)
		# only --color=WHEN: a bare --color means always, the next word is not its value
		if ((_ps_eq)); then
			COMPREPLY=($(compgen -W "auto always never" -- "$_ps_cur"))
			return
		fi
		;;
	-c | -f | --filter | --user | --nt-hash | --max-conns | --max-calls | --max-tcp-conns | --password-policy | --guess-failures | --guess-window)
		return # a value of the user's own
		;;
	esac
	if [[ $_ps_cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_pptp_suite_longopts "$prog")" -- "$_ps_cur"))
		return
	fi
	_pptp_suite_files
}

# the scenario ids of the library: the --scenarios/-d folder of the line if there is one
_pptp_conform_ids()
{
	local prog=$1 i dir=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-d | --scenarios)
			dir=${COMP_WORDS[i + 1]}
			[[ $dir == = ]] && dir=${COMP_WORDS[i + 2]}
			;;
		--scenarios=*) dir=${COMP_WORDS[i]#*=} ;;
		esac
	done
	dir=${dir/#\~/$HOME}
	if [[ -n $dir ]]; then
		"$prog" --list --scenarios "$dir" 2>/dev/null | awk '{ print $1 }'
	else
		"$prog" --list 2>/dev/null | awk '{ print $1 }'
	fi
}

_pptp_conform()
{
	local prog=${COMP_WORDS[0]}
	COMPREPLY=()
	_pptp_suite_words
	case $_ps_prev in
	-s | --scenario)
		COMPREPLY=($(compgen -W "$(_pptp_conform_ids "$prog")" -- "$_ps_cur"))
		return
		;;
	-r | --run | --junit | --json | -w | --pcap | --write-inner | --password-file)
		_pptp_suite_files
		return
		;;
	-d | --scenarios | --svg-dir)
		_pptp_suite_files dirs
		return
		;;
	--password)
		((_ps_eq)) && return
		;;
	-t | --target | -L | --listen | -S | --source | -p | --port | -u | --user | -T | --timeout | --repeat | \
		--peer-has | --seed)
		return # an address, a number or a name of the user's own
		;;
	esac
	COMPREPLY=($(compgen -W "$(_pptp_suite_longopts "$prog")" -- "$_ps_cur"))
}

complete -F _pptp_analyze pptp-analyze
complete -F _pptp_conform pptp-conform
