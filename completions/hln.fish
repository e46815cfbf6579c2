# fish completion for hln(1)
# Copyright (c) 2026, the hln developers.  SPDX-License-Identifier: BSD-2-Clause
#
# Installed as .../fish/vendor_completions.d/hln.fish.

# The command: the first word after "hln" that is not an option.
function __fish_hln_command
    for w in (commandline -opc)[2..-1]
        switch $w
            case '-*'
                continue
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end

function __fish_hln_using -a name
    set -l c (__fish_hln_command)
    and test "$c" = "$name"
end

# No files unless a rule below asks for them.
complete -c hln -f

# Before the command.
complete -c hln -n 'not __fish_hln_command' -a create -d 'Make hard links (TARGET first, as ln)'
complete -c hln -n 'not __fish_hln_command' -a count -d 'Print link counts; summarize trees with -r'
complete -c hln -n 'not __fish_hln_command' -a list -d 'Print every name of a file, or the link groups in a directory'
complete -c hln -n 'not __fish_hln_command' -a break -d 'Make a name an independent copy (clone where possible)'
complete -c hln -n 'not __fish_hln_command' -a dedupe -d 'Make identical files one (hard links, or shared blocks)'
complete -c hln -n 'not __fish_hln_command' -a help -d 'Show the help of a command'
complete -c hln -n 'not __fish_hln_command' -s h -l help -d 'Show help and exit'
complete -c hln -n 'not __fish_hln_command' -l version -d 'Show the version and exit'

# hln help COMMAND
complete -c hln -n '__fish_hln_using help; and test (count (commandline -opc)) -le 2' -a 'create count list break dedupe help'

# hln create
set -l c '__fish_hln_using create'
complete -c hln -n $c -F
complete -c hln -n $c -s f -l force -d 'Replace an existing LINK_NAME atomically'
complete -c hln -n $c -s i -l interactive -d 'Ask before replacing'
complete -c hln -n $c -s L -l logical -d 'Link the file a symlink TARGET points to'
complete -c hln -n $c -s P -l physical -d 'Link a symlink TARGET itself (default)'
complete -c hln -n $c -s T -l no-target-directory -d 'Always treat the last operand as LINK_NAME'
complete -c hln -n $c -s t -l target-directory -x -a '(__fish_complete_directories (commandline -ct | string replace -r -- "^--target-directory=" ""))' -d 'Link every operand into DIRECTORY'
complete -c hln -n $c -s n -l dry-run -d 'Print what would be done, change nothing'
complete -c hln -n $c -l no-dereference -d 'A LINK_NAME symlink to a directory is a name, not a directory'
complete -c hln -n $c -l reflink -x -a 'always auto' -d 'A copy-on-write copy instead of a hard link (default always)'
complete -c hln -n $c -s v -l verbose -d 'Print one line per link'
complete -c hln -n $c -s r -l recursive -d 'Replicate a directory tree with links (like cp -al)'
complete -c hln -n $c -s R -d 'Same as -r'
complete -c hln -n $c -l batch -d 'Read TARGET<TAB>LINK_NAME pairs from stdin'
complete -c hln -n $c -s 0 -l null -d 'With --batch: NUL-separated pairs'
complete -c hln -n $c -l progress -d 'Always show the progress line'
complete -c hln -n $c -l no-progress -d 'Never show the progress line'
complete -c hln -n $c -s h -l help -d 'Show help of create and exit'

# hln count
set -l n '__fish_hln_using count'
complete -c hln -n $n -F
complete -c hln -n $n -s r -l recursive -d 'Summarize the trees under the operands'
complete -c hln -n $n -s j -l json -d 'Write JSON'
complete -c hln -n $n -s 0 -l null -d 'End every record with NUL'
complete -c hln -n $n -s L -l dereference -d 'Report on the file a symlink operand points to (default)'
complete -c hln -n $n -s P -l no-dereference -d 'Report on a symlink operand itself'
complete -c hln -n $n -l bytes -d 'With -r, print exact sizes in bytes'
complete -c hln -n $n -s x -l one-file-system -d "With -r, stay on the operand's filesystem"
complete -c hln -n $n -l progress -d 'Always show the progress line'
complete -c hln -n $n -l no-progress -d 'Never show the progress line'
complete -c hln -n $n -s h -l help -d 'Show help of count and exit'

# hln list
set -l l '__fish_hln_using list'
complete -c hln -n $l -F
complete -c hln -n $l -l root -x -a '(__fish_complete_directories (commandline -ct | string replace -r -- "^--root=" ""))' -d 'Search under DIR instead of the mount point'
complete -c hln -n $l -s 0 -l null -d 'End every name with NUL'
complete -c hln -n $l -s j -l json -d 'Write JSON'
complete -c hln -n $l -s L -l dereference -d 'List the file a symlink operand points to (default)'
complete -c hln -n $l -s P -l no-dereference -d 'List the names of a symlink operand itself'
complete -c hln -n $l -s v -l verbose -d 'Warn about incomplete answers under --root'
complete -c hln -n $l -l progress -d 'Always show the progress line'
complete -c hln -n $l -l no-progress -d 'Never show the progress line'
complete -c hln -n $l -s h -l help -d 'Show help of list and exit'

# hln break
set -l b '__fish_hln_using break'
complete -c hln -n $b -F
complete -c hln -n $b -s r -s R -l recursive -d 'Break every shared name under the directories'
complete -c hln -n $b -l reflink -x -a 'auto always never' -d 'Share data blocks copy-on-write (default auto)'
complete -c hln -n $b -s n -l dry-run -d 'Print what would be done, change nothing'
complete -c hln -n $b -s v -l verbose -d 'Print one line per file, saying clone or copy'
complete -c hln -n $b -s j -l json -d 'Write a JSON summary'
complete -c hln -n $b -l progress -d 'Always show the progress line'
complete -c hln -n $b -l no-progress -d 'Never show the progress line'
complete -c hln -n $b -s h -l help -d 'Show help of break and exit'

# hln dedupe
set -l d '__fish_hln_using dedupe'
complete -c hln -n $d -F
complete -c hln -n $d -s n -l dry-run -d 'Say what would be done, change nothing'
complete -c hln -n $d -s v -l verbose -d 'Print each name changed and each file left apart'
complete -c hln -n $d -l list -d 'Print the sets of identical files, change nothing'
complete -c hln -n $d -s 0 -l null -d 'With --list: NUL after each name, empty record after each set'
complete -c hln -n $d -s j -l json -d 'Write JSON'
complete -c hln -n $d -l reflink -d 'Share data blocks copy-on-write instead of linking'
complete -c hln -n $d -l min-size -x -d 'Ignore files smaller than SIZE (K, M, G, T)'
complete -c hln -n $d -l max-size -x -d 'Ignore files larger than SIZE (K, M, G, T)'
complete -c hln -n $d -l exclude -x -d 'Skip entries whose name matches PATTERN'
complete -c hln -n $d -l ignore-owner -d 'Link files of different owners or groups'
complete -c hln -n $d -l ignore-mode -d 'Link files of different modes'
complete -c hln -n $d -l ignore-xattrs -d 'Link files of different extended attributes'
complete -c hln -n $d -s c -l content-only -d 'Only the bytes must be equal'
complete -c hln -n $d -l same-time -d 'Link only files with the same modification time'
complete -c hln -n $d -l bytes -d 'Print exact sizes in bytes'
complete -c hln -n $d -l progress -d 'Always show the progress line'
complete -c hln -n $d -l no-progress -d 'Never show the progress line'
complete -c hln -n $d -s h -l help -d 'Show help of dedupe and exit'
