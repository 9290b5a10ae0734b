#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/xref.sh - which kernel/ file calls which, from the built objects'
# symbol tables (nm): one line per edge "caller -> callee: symbols", then
# the pairs that call each other and the longer circles. A picture of the
# floors the structure work wants (issue 12: member/slice/codec below
# bitmap/log/sync below target/netlink).
#
#   scripts/xref.sh [OBJDIR]     (default: kernel/, after `make module`)
#
# Exit status 0 when no file calls "up" in a circle, 1 when a circle is
# left (printed), 2 when there are no objects.
set -euo pipefail

dir=${1:-$(cd "$(dirname "$0")/.." && pwd)/kernel}
objs=()
while IFS= read -r -d '' o; do
	objs+=("$o")
done < <(find "$dir" -name '*.o' ! -name '*.mod.o' ! -name 'dm-ec.o' -print0 | sort -z)
[ ${#objs[@]} -gt 0 ] || { echo "xref: no objects under $dir: make module" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in "${objs[@]}"; do
	f=${o#"$dir"/}
	f=${f%.o}
	nm "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ { print "D", f, $3 } $1 == "U" { print "U", f, $2 }'
done >"$tmp/syms"

# edges: caller callee symbol
awk '$1 == "D" { def[$3] = $2; next }
	{ use[NR] = $2 " " $3 }
	END {
		for (i in use) {
			split(use[i], u, " ")
			if ((u[2] in def) && def[u[2]] != u[1])
				print u[1], def[u[2]], u[2]
		}
	}' "$tmp/syms" "$tmp/syms" | sort -u >"$tmp/edges"

echo "# calls between files (caller -> callee: symbols)"
awk '{ k = $1 " -> " $2; s[k] = s[k] (s[k] ? " " : "") $3 }
	END { for (k in s) print k ": " s[k] }' "$tmp/edges" | sort

# circles: strongly connected components of the file graph (Tarjan)
awk '{ e[$1 " " $2] = 1; n[$1] = 1; n[$2] = 1 }
	END {
		for (a in n) for (b in n) if ((a " " b) in e) adj[a] = adj[a] " " b
		for (v in n) if (!(v in idx)) scc(v)
		exit found
	}
	function scc(v,    w, i, k, m, c, comp) {
		idx[v] = low[v] = ++cnt
		stack[++sp] = v; on[v] = 1
		m = split(adj[v], k, " ")
		for (i = 1; i <= m; i++) {
			w = k[i]
			if (!(w in idx)) {
				scc(w)
				if (low[w] < low[v]) low[v] = low[w]
			} else if (on[w] && idx[w] < low[v]) {
				low[v] = idx[w]
			}
		}
		if (low[v] == idx[v]) {
			comp = ""; c = 0
			do {
				w = stack[sp--]; on[w] = 0
				comp = comp " " w; c++
			} while (w != v)
			if (c > 1) {
				if (!found) print "# circles (files that reach each other through calls)"
				print "circle:" comp
				found = 1
			}
		}
	}' "$tmp/edges" && echo "# no circle"
