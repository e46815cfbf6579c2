/*
 * help.c - the help of every command (hln COMMAND --help, hln help
 * COMMAND), one string literal a printed line, so that a line of the
 * help is found here as it is read.  The options themselves are each
 * command's (src/cmd_*.c); man/hln.1 and completions/ say the same.
 */
#include <stdio.h>

#include "hln/cmd.h"

void cmd_create_help(void)
{
	fputs("Usage: hln create [OPTION]... [-T] TARGET LINK_NAME\n"
	      "  or:  hln create [OPTION]... TARGET\n"
	      "  or:  hln create [OPTION]... TARGET... DIRECTORY\n"
	      "  or:  hln create [OPTION]... -t DIRECTORY TARGET...\n"
	      "  or:  hln create [OPTION]... --batch [-0] < PAIRS\n"
	      "Make hard links: LINK_NAME becomes another name of TARGET.\n"
	      "The order is ln's: the existing file first, the new name last\n"
	      "(mklink /H takes the new name first).\n"
	      "\n"
	      "  -f, --force          replace an existing LINK_NAME atomically\n"
	      "  -i, --interactive    ask before replacing a name\n"
	      "  -L, --logical        link what a symbolic link TARGET points to\n"
	      "  -P, --physical       link a symbolic link TARGET itself (default)\n"
	      "  -T, --no-target-directory  LINK_NAME is the name, never a\n"
	      "                       directory to link into\n"
	      "  -t, --target-directory=DIRECTORY  link every TARGET into DIRECTORY\n"
	      "  -n, --dry-run        print what would be done, change nothing\n"
	      "                       (not ln's -n: that is --no-dereference)\n"
	      "      --no-dereference  a LINK_NAME that is a symlink to a directory is\n"
	      "                       a name (replaced with -f), not a directory\n"
	      "  -v, --verbose        print 'LINK_NAME' => 'TARGET' for each link\n"
	      "  -r, -R, --recursive  TARGET may be a directory: make a copy of the\n"
	      "                       tree whose files are hard links (cp -al)\n"
	      "      --reflink[=WHEN]  make LINK_NAME a copy-on-write copy (its own\n"
	      "                       file sharing TARGET's data blocks) instead of a\n"
	      "                       hard link; WHEN is always (the default: fail\n"
	      "                       where the filesystem cannot share blocks) or\n"
	      "                       auto (copy the bytes there)\n"
	      "      --batch          read TARGET<TAB>LINK_NAME lines from stdin\n"
	      "  -0, --null           with --batch: TARGET\\0LINK_NAME\\0 records\n"
	      "      --progress       show progress of -r on stderr\n"
	      "      --no-progress    never show progress\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 all done, 1 some link failed, 2 usage error.\n",
	      stdout);
}

void cmd_count_help(void)
{
	fputs("Usage: hln count [OPTION]... FILE...\n"
	      "  or:  hln count -r [OPTION]... DIR...\n"
	      "Print how many names (hard links) each FILE has; with -r, a\n"
	      "summary of the trees: each file counted once, and what deleting\n"
	      "them would really free.\n"
	      "\n"
	      "  -r, --recursive        summarize the trees under each DIR:\n"
	      "                         names, files, linked, outside, apparent,\n"
	      "                         used, saved, freed\n"
	      "  -j, --json             print JSON\n"
	      "  -0, --null             end each COUNT or COUNT<TAB>FILE record\n"
	      "                         with NUL instead of a newline\n"
	      "  -L, --dereference      count what a symbolic link operand points\n"
	      "                         to (default)\n"
	      "  -P, --no-dereference   count a symbolic link operand itself\n"
	      "      --bytes            exact byte counts instead of 1.5K, 23M...\n"
	      "  -x, --one-file-system  with -r, stay on each DIR's filesystem\n"
	      "      --progress         show progress of -r on stderr\n"
	      "      --no-progress      never show progress\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "One FILE: its link count alone.  Several: COUNT<TAB>FILE lines.\n"
	      "Exit status: 0 all done, 1 some FILE failed, 2 usage error.\n",
	      stdout);
}

void cmd_list_help(void)
{
	fputs("Usage: hln list [OPTION]... FILE...\n"
	      "  or:  hln list [OPTION]... DIR...\n"
	      "Print every name (hard link) of each FILE, sorted; for a DIR,\n"
	      "the groups of names inside it that are one file.\n"
	      "\n"
	      "      --root=DIR         search under DIR instead of the top of\n"
	      "                         each FILE's filesystem\n"
	      "  -0, --null             end every name with NUL, every group\n"
	      "                         with an empty record\n"
	      "  -j, --json             print JSON\n"
	      "  -L, --dereference      a symbolic link operand means what it\n"
	      "                         points to (default)\n"
	      "  -P, --no-dereference   list the names of a symbolic link itself\n"
	      "  -v, --verbose          warn about incomplete answers under --root\n"
	      "      --progress         show progress on stderr\n"
	      "      --no-progress      never show progress\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 all found, 1 some FILE failed or not every name\n"
	      "was found, 2 usage error.\n",
	      stdout);
}

void cmd_break_help(void)
{
	fputs("Usage: hln break [OPTION]... FILE...\n"
	      "  or:  hln break -r [OPTION]... DIR...\n"
	      "Make each FILE an independent copy with the same data and\n"
	      "metadata; every other name of the file keeps the original.\n"
	      "The copy is made beside FILE and swapped in atomically: FILE\n"
	      "always names the original or the complete copy.\n"
	      "\n"
	      "  -r, -R, --recursive  break every name under each DIR that\n"
	      "                       shares its data with another name; of a file\n"
	      "                       whose names are all under DIR, one keeps it\n"
	      "      --reflink[=WHEN] share data blocks copy-on-write: auto\n"
	      "                       (default: where the filesystem can, else\n"
	      "                       copy), always (fail where it cannot), never\n"
	      "                       (always copy the bytes; no block shared)\n"
	      "  -n, --dry-run        print what would be done, change nothing\n"
	      "  -v, --verbose        print a line per file, saying clone or copy\n"
	      "  -j, --json           print a JSON summary: broken, cloned,\n"
	      "                       copied, bytes_copied\n"
	      "      --progress       show progress of -r on stderr\n"
	      "      --no-progress    never show progress\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 all done, 1 some FILE failed, 2 usage error,\n"
	      "130/143 interrupted (the file in flight is rolled back).\n",
	      stdout);
}

void cmd_dedupe_help(void)
{
	fputs("Usage: hln dedupe [OPTION]... PATH...\n"
	      "Make identical files under each PATH one: every name of a\n"
	      "duplicate becomes a hard link to the keeper (the copy with the\n"
	      "most links), atomically and only after a byte-for-byte comparison.\n"
	      "\n"
	      "  -n, --dry-run          change nothing; say what would be done\n"
	      "  -v, --verbose          print each name changed: 'NAME' => 'KEEPER',\n"
	      "                         and each file left apart, and why\n"
	      "      --list             change nothing; print the sets of identical\n"
	      "                         files (keeper's names first), a blank line\n"
	      "                         between sets\n"
	      "  -0, --null             with --list, end each name with NUL and\n"
	      "                         each set with an empty record\n"
	      "  -j, --json             print JSON\n"
	      "      --reflink          share data blocks copy-on-write instead of\n"
	      "                         linking (Btrfs, XFS): every file stays\n"
	      "                         independent; the kernel compares the bytes\n"
	      "      --min-size=SIZE    ignore files smaller than SIZE (default 1;\n"
	      "                         suffixes K, M, G, T: powers of 1024)\n"
	      "      --max-size=SIZE    ignore files larger than SIZE\n"
	      "      --exclude=PATTERN  skip entries whose name matches PATTERN\n"
	      "                         (fnmatch; may be repeated)\n"
	      "      --ignore-owner     link files of different owners or groups\n"
	      "      --ignore-mode      link files of different modes\n"
	      "      --ignore-xattrs    link files of different extended attributes\n"
	      "  -c, --content-only     all three: only the bytes must be equal\n"
	      "      --same-time        link only files with the same modification\n"
	      "                         time\n"
	      "      --bytes            exact byte counts instead of 1.5K, 23M...\n"
	      "      --progress         show progress on stderr\n"
	      "      --no-progress      never show progress\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Prints files, sets, merged, names, freed, skipped.  Symbolic links,\n"
	      "special files and empty files are never touched; trees are walked\n"
	      "without leaving their filesystem.\n"
	      "Exit status: 0 all done, 1 some file could not be read or merged,\n"
	      "2 usage error, 130/143 interrupted.\n",
	      stdout);
}
